import { strict as assert } from "node:assert";
import { MessageBus, type AclMessage } from "../../src/negotiation/index.js";

/** An agent that logs what it receives and can react. */
function logger(log: string[], name: string, react?: (m: AclMessage) => void) {
  return { receive: (m: AclMessage) => { log.push(`${name}<-${m.sender}:${m.performative}${m.topic ? `@${m.topic}` : ""}:${m.quantity}`); react?.(m); } };
}

describe("MessageBus", () => {
  it("delivers first in, first out, breadth first: replies queue behind earlier messages", () => {
    const bus = new MessageBus();
    const log: string[] = [];
    bus.register("a", logger(log, "a"));
    bus.register("b", logger(log, "b", (m) => { if (m.performative === "CFP") bus.send("PROPOSE", "b", "a", m.conversationId, 1); }));
    bus.register("c", logger(log, "c", (m) => { if (m.performative === "CFP") bus.send("PROPOSE", "c", "a", m.conversationId, 2); }));
    bus.subscribe("cfp", "b");
    bus.subscribe("cfp", "c");
    bus.publish("CFP", "a", "cfp", 1, 5);
    assert.deepEqual(log, ["b<-a:CFP@cfp:5", "c<-a:CFP@cfp:5", "a<-b:PROPOSE:1", "a<-c:PROPOSE:2"]);
  });

  it("records an identical, numbered transcript for identical inputs, with copies of object contents", () => {
    const run = () => {
      const bus = new MessageBus({ record: true });
      const state = { kw: 1 };
      bus.register("x", { receive: () => { state.kw = 99; } });
      bus.setTick(3);
      bus.send("INFORM", "y", "x", bus.newConversation(), 0, 0, state);
      return bus.takeTranscript();
    };
    const a = run();
    assert.deepEqual(a, run());
    assert.equal(a.length, 1);
    assert.deepEqual(a[0], { seq: 0, tick: 3, performative: "INFORM", sender: "y", receiver: "x", topic: null, conversationId: 1, quantity: 0, price: 0, content: { kw: 1 } });
  });

  it("does not overwrite a message while its handler runs, even when the queue grows", () => {
    const bus = new MessageBus();
    const seen: number[] = [];
    bus.register("sink", { receive: () => {} });
    bus.register("fan", {
      receive: (m) => {
        for (let i = 0; i < 200; i++) bus.send("INFORM", "fan", "sink", 0, i);
        seen.push(m.quantity);
      },
    });
    bus.send("INFORM", "src", "fan", 0, 42);
    assert.deepEqual(seen, [42]);
  });

  it("rejects unknown receivers and duplicate names with the field named", () => {
    const bus = new MessageBus();
    bus.register("a", { receive: () => {} });
    assert.throws(() => bus.register("a", { receive: () => {} }), { message: 'invalid MessageBus:\n  name: expected a name not yet registered, got "a"' });
    assert.throws(() => bus.send("INFORM", "a", "nobody", 0), { message: 'invalid MessageBus:\n  receiver: expected a registered agent name, got "nobody"' });
  });

  it("hold/release queue messages like batch, sendTo delivers like send, and a throw drops what was held", () => {
    const run = (closureFree: boolean) => {
      const bus = new MessageBus({ record: true });
      const log: string[] = [];
      bus.register("a", logger(log, "a"));
      bus.register("b", logger(log, "b", (m) => { if (m.performative === "CFP") bus.send("PROPOSE", "b", "a", m.conversationId, m.quantity); }));
      const b = bus.agent("b");
      if (closureFree) {
        const held = bus.hold();
        bus.sendTo(b, "CFP", "a", "b", 1, 1);
        bus.sendTo(b, "CFP", "a", "b", 1, 2);
        assert.deepEqual(log, []);
        bus.release(held);
      } else {
        bus.batch(() => { bus.send("CFP", "a", "b", 1, 1); bus.send("CFP", "a", "b", 1, 2); });
      }
      return { log, transcript: bus.takeTranscript() };
    };
    assert.deepEqual(run(true), run(false));
    assert.deepEqual(run(true).log, ["b<-a:CFP:1", "b<-a:CFP:2", "a<-b:PROPOSE:1", "a<-b:PROPOSE:2"]);

    const bus = new MessageBus();
    const log: string[] = [];
    bus.register("a", logger(log, "a"));
    assert.throws(() => bus.batch(() => { bus.send("INFORM", "x", "a", 0); bus.send("INFORM", "x", "nobody", 0); }), /receiver/);
    bus.send("INFORM", "x", "a", 0, 7);
    assert.deepEqual(log, ["a<-x:INFORM:7"], "the batch that threw delivered nothing and left the bus usable");
    assert.throws(() => bus.agent("nobody"), { message: 'invalid MessageBus:\n  receiver: expected a registered agent name, got "nobody"' });
  });
});
