/**
 * Negotiation between the agents inside an environment: a synchronous ordered message bus,
 * FIPA performatives and the Contract Net protocol (sealed-bid and double auctions build
 * on the same bus).
 */
export { MessageBus, type BusAgent, type MessageBusOptions, type TranscriptEntry } from "./bus.js";
export { PERFORMATIVES, type AclMessage, type Performative } from "./fipa.js";
export {
  ContractNetInitiator,
  answerCfp,
  greedyAward,
  rankProposals,
  reportExecution,
  type ContractNetHooks,
  type Proposal,
} from "./contract-net.js";
export { SealedBidAuction, firstPriceWinner, isSealedBidCall, placeBid, type AuctionResult, type SealedBidCall } from "./sealed-bid.js";
export * from "./double-auction.js";
