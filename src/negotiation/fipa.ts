/**
 * FIPA ACL messages (FIPA SC00037J, the Contract Net interaction protocol SC00029H):
 * the performatives gridgym's agents exchange and the message they travel in.
 *
 * A message is kept small and numeric so a bus can pool message objects on the hot path:
 * `quantity` and `price` carry what a call for proposals, a proposal or a bid is about
 * (kW and currency per kWh in the energy envs); `content` carries anything else (a state
 * record, a forecast) by reference.
 */

/** The performatives used by gridgym (a subset of FIPA ACL). */
export const PERFORMATIVES = [
  "CFP",
  "PROPOSE",
  "REFUSE",
  "ACCEPT-PROPOSAL",
  "REJECT-PROPOSAL",
  "INFORM",
  "FAILURE",
  "REQUEST",
] as const;

/** One of PERFORMATIVES. */
export type Performative = (typeof PERFORMATIVES)[number];

/**
 * An ACL message as delivered by the MessageBus. Handlers must not keep a delivered
 * message: the bus reuses message objects; copy what you need (or read the transcript).
 */
export interface AclMessage {
  performative: Performative;
  /** Name of the sending agent. */
  sender: string;
  /** Name of the receiving agent. */
  receiver: string;
  /** Topic the message was published on, or null for a point-to-point message. */
  topic: string | null;
  /** Conversation the message belongs to (one Contract Net round, one tick broadcast, ...). */
  conversationId: number;
  /** What is asked for or offered (kW in the energy envs; 0 when unused). */
  quantity: number;
  /** Unit price or cost of the offer (currency per kWh; 0 when unused). */
  price: number;
  /** Anything else, by reference; null when unused. */
  content: unknown;
}
