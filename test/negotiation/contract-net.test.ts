import { strict as assert } from "node:assert";
import { ContractNetInitiator, MessageBus, answerCfp, greedyAward, rankProposals, reportExecution, type AclMessage } from "../../src/negotiation/index.js";

describe("Contract Net ranking and greedy acceptance", () => {
  it("ranks by price, then larger quantity, then responder order", () => {
    const ranked = rankProposals([
      { index: 0, quantity: 10, price: 5 },
      { index: 1, quantity: 20, price: 0.05 },
      { index: 2, quantity: 30, price: 0.05 },
      { index: 3, quantity: 30, price: 0.05 },
    ]);
    assert.deepEqual(ranked.map((p) => p.index), [2, 3, 1, 0]);
  });

  it("accepts greedily up to the need, the last one in part", () => {
    assert.deepEqual(greedyAward([{ index: 0, quantity: 30, price: 0 }, { index: 1, quantity: 30, price: 1 }, { index: 2, quantity: 5, price: 2 }], 40), [30, 10, 0]);
    assert.deepEqual(greedyAward([{ index: 0, quantity: 30, price: 0 }], 0), [0]);
  });
});

describe("ContractNetInitiator over the bus", () => {
  function setup(offers: Record<string, [number, number]>) {
    const bus = new MessageBus({ record: true });
    const executed: string[] = [];
    let doneWith: ContractNetInitiator | null = null;
    const cn = new ContractNetInitiator(bus, "boss", { onProposals: (c) => c.award(45), onDone: (c) => { doneWith = c; } });
    bus.register("boss", { receive: (m: AclMessage) => { cn.receive(m); } });
    for (const [name, [q, price]] of Object.entries(offers)) {
      bus.register(name, {
        receive: (m: AclMessage) => {
          if (m.performative === "CFP") answerCfp(bus, name, m, Math.min(q, m.quantity), price);
          if (m.performative === "ACCEPT-PROPOSAL") { executed.push(`${name}:${m.quantity}`); reportExecution(bus, name, m, m.quantity); }
        },
      });
    }
    return { bus, cn, executed, done: () => doneWith };
  }

  it("sends CFPs, collects PROPOSE/REFUSE, accepts the cheapest up to the need, rejects the rest, and hears INFORM", () => {
    const { bus, cn, executed, done } = setup({ grid: [100, 5], bat1: [30, 0.05], bat2: [0, 0.05], bat3: [20, 0.05] });
    cn.start(["grid", "bat1", "bat2", "bat3"], 60);
    assert.equal(done(), cn);
    assert.deepEqual(executed, ["bat1:30", "bat3:15"]);
    assert.deepEqual(Array.from(cn.awarded.subarray(0, 4)), [0, 30, 0, 15]);
    assert.deepEqual(Array.from(cn.refused.subarray(0, 4)), [0, 0, 1, 0]);
    assert.equal(cn.totalExecuted, 45);
    const perf = bus.transcript().map((e) => `${e.performative} ${e.sender}->${e.receiver}`);
    assert.deepEqual(perf, [
      "CFP boss->grid", "CFP boss->bat1", "CFP boss->bat2", "CFP boss->bat3",
      "PROPOSE grid->boss", "PROPOSE bat1->boss", "REFUSE bat2->boss", "PROPOSE bat3->boss",
      "ACCEPT-PROPOSAL boss->bat1", "ACCEPT-PROPOSAL boss->bat3", "REJECT-PROPOSAL boss->grid",
      "INFORM bat1->boss", "INFORM bat3->boss",
    ]);
  });

  it("finishes at once when every responder refuses", () => {
    const { cn, executed, done } = setup({ a: [0, 1], b: [0, 2] });
    cn.start(["a", "b"], 10);
    assert.equal(done(), cn);
    assert.deepEqual(executed, []);
    assert.equal(cn.totalAwarded, 0);
  });

  it("matches replies to responders by name, the first of a repeated name like indexOf", () => {
    const bus = new MessageBus();
    const cn = new ContractNetInitiator(bus, "boss", { onProposals: (c) => c.award(Infinity), onDone: () => {} });
    bus.register("boss", { receive: (m: AclMessage) => { cn.receive(m); } });
    bus.register("r", {
      receive: (m: AclMessage) => {
        if (m.performative === "CFP") answerCfp(bus, "r", m, m.quantity, 1);
        if (m.performative === "ACCEPT-PROPOSAL") reportExecution(bus, "r", m, m.quantity);
      },
    });
    bus.register("s", {
      receive: (m: AclMessage) => {
        if (m.performative === "CFP") answerCfp(bus, "s", m, m.quantity, 0);
        if (m.performative === "ACCEPT-PROPOSAL") reportExecution(bus, "s", m, m.quantity);
      },
    });
    // unique names: each reply lands at its own index
    cn.start(["s", "r"], [3, 4]);
    assert.deepEqual([Array.from(cn.proposed), Array.from(cn.executed)], [[3, 4], [3, 4]]);
    // a repeated name: every reply of "r" lands on its first index, as indexOf has it
    cn.start(["r", "s", "r"], [5, 6, 7]);
    assert.deepEqual(Array.from(cn.proposed), [7, 6, 0]);
    assert.deepEqual(Array.from(cn.executed), [7, 6, 0]);
    assert.equal(cn.phase, "done");
  });
});
