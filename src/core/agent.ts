/**
 * A registered agent and what it can do. Pure types.
 *
 * @module
 */

/** A registered agent and its capability set. */
export interface Agent {
  name: string;
  capabilities: string[];
  registered_by: string;
  registered_at: string;
  updated_at: string;
}
