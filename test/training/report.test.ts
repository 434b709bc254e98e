/**
 * The benchmark's HTML report: its content from a real short evaluation (unit), and that
 * its charts render in a real browser (headless Debian chromium driven by playwright-core).
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import "../../envs/index.js";
import { spec } from "../../src/core/registry.js";
import { evaluate, type EvaluationResult } from "../../training/evaluate.js";
import { evaluateParallel } from "../../training/evaluate-parallel.js";
import { pairedCells, pairedTable } from "../../training/paired.js";
import { baselineFactory, parallelBaselineFactory } from "../../training/policies.js";
import { REPORT_CHART_IDS, renderBenchmarkReport, type LearningCurve, type ReportInput } from "../../training/report.js";
import { STORAGE_KPI_COLUMNS } from "../../training/table.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SEEDS = [1000, 1001];

/** Synthetic curves of a learner over two training seeds: episode returns every 500 steps, an evaluation every 2,000. */
function syntheticCurves(policy = "dqn"): LearningCurve[] {
  return [1, 2].map((seed) => ({
    policy,
    seed,
    points: Array.from({ length: 12 }, (_, i) => ({
      step: i * 500,
      seconds: i * 0.4 * seed,
      episodeReturn: -30 + 18 * (1 - Math.exp(-i / 4)) + seed,
      ...(i % 4 === 0 ? { evalReturn: -29 + 17 * (1 - Math.exp(-i / 4)) + seed } : {}),
    })),
  }));
}

/** The part of the page inside the figure whose data-chart is `id`. */
function figureHtml(html: string, id: string): string {
  const start = html.indexOf(`<figure id="chart-${id}" data-chart="${id}">`);
  assert.ok(start >= 0, `figure ${id} missing`);
  return html.slice(start, html.indexOf("</figure>", start));
}

/** A CommunityBattery-v0 report over three days: the baselines, a learner's curves and the paired table. */
async function storageReport(): Promise<ReportInput> {
  const results: EvaluationResult[] = [];
  for (const name of ["myopic", "mpc", "oracle", "random"]) {
    results.push(evaluate("CommunityBattery-v0", { days: 3 }, await baselineFactory(name), SEEDS, { keepTrajectories: true }));
  }
  return {
    title: "gridgym benchmark: CommunityBattery-v0",
    envId: "CommunityBattery-v0",
    seeds: SEEDS,
    generatedAt: "2025-06-01T12:00:00Z",
    results,
    learningCurves: syntheticCurves(),
    notes: ["Learners trained on seeds below 1000."],
    paired: pairedTable(results, spec("CommunityBattery-v0").benchmark!),
    rewardBasis: "reward minus an idle battery's",
  };
}

/** A Community-v0 report: six households over three days, the rule, the perfect-foresight planner and random actions. */
async function communityReport(): Promise<ReportInput> {
  const config = { days: 3, community: { households: 6 } };
  const results: EvaluationResult[] = [];
  for (const name of ["myopic", "oracle", "random"]) {
    results.push(evaluateParallel("Community-v0", config, await parallelBaselineFactory(name, { envId: "Community-v0" }), SEEDS, { keepTrajectories: true }));
  }
  return {
    title: "gridgym benchmark: Community-v0",
    envId: "Community-v0",
    seeds: SEEDS,
    generatedAt: "2025-06-01T12:00:00Z",
    results,
    learningCurves: syntheticCurves("ppo"),
    paired: pairedTable(results, spec("Community-v0").benchmark!),
    rewardBasis: "the env's reward; an episode's return summed over the agents",
  };
}

const chartIds = (html: string): string[] => [...html.matchAll(/<figure id="chart-[^"]+" data-chart="([^"]+)">/g)].map((m) => m[1]!);

describe("benchmark HTML report", () => {
  let input: ReportInput;
  let html: string;

  before(async () => {
    input = await storageReport();
    html = await renderBenchmarkReport(input);
  });

  it("shows each policy's KPIs as the mean over the CI's half-width, as in the terminal table", () => {
    const table = html.slice(html.indexOf('<table id="kpi-table">'), html.indexOf("</table>"));
    for (const c of STORAGE_KPI_COLUMNS) assert.ok(table.includes(`<th>${c.label}</th>`), c.label);
    for (const r of input.results) {
      const cost = r.summary["totalCostEur"]!;
      assert.equal(cost.n, 2);
      assert.ok(table.includes(`<td class="num">${cost.mean.toFixed(1)}<span class="ci">± ${cost.ci95.toFixed(1)}</span></td>`), `${r.policy} total cost`);
      const sc = r.summary["selfConsumption"]!;
      assert.ok(table.includes(`<td class="num">${(sc.mean * 100).toFixed(1)}<span class="ci">± ${(sc.ci95 * 100).toFixed(1)}</span></td>`), `${r.policy} self-consumption`);
    }
  });

  it("shows the paired comparison per seed: regret, the difference to myopic and the oracle's share", () => {
    const section = html.slice(html.indexOf("<h2>Paired per seed</h2>"), html.indexOf("</table>", html.indexOf('<table id="paired-table">')));
    const { rows } = pairedCells(input.paired!);
    assert.equal(rows.length, 4);
    for (const row of rows) assert.ok(section.includes(`<tr><th>${row[0]}</th>${row.slice(1).map((c) => `<td class="num">${c}</td>`).join("")}</tr>`), row.join(" | "));
    const random = input.paired!.rows.find((r) => r.policy === "random")!;
    // random actions cost more than the myopic rule here (two seeds: too few for the interval to exclude 0)
    assert.ok(random.vsMyopic!.mean > 0 && random.regret!.mean > random.vsMyopic!.mean);
    assert.match(section, /The oracle \(oracle\) costs \d+\.\d % less than myopic/);
  });

  it("states the run facts it was given, the learners' reward basis among them", () => {
    assert.ok(html.includes("<dd>CommunityBattery-v0</dd>"));
    assert.ok(html.includes("<dd>1000, 1001</dd>"));
    assert.ok(html.includes("<dd>myopic, mpc, oracle, random</dd>"));
    assert.ok(html.includes("<dt>learners&#39; reward</dt><dd>reward minus an idle battery&#39;s</dd>"));
    assert.ok(html.includes("<dd>2025-06-01T12:00:00Z</dd>"));
    assert.ok(html.includes("<li>Learners trained on seeds below 1000.</li>"));
  });

  it("holds every chart the env's data allows, each one inline SVG, and nothing that loads from elsewhere", () => {
    assert.deepEqual(chartIds(html), [...REPORT_CHART_IDS]);
    for (const id of REPORT_CHART_IDS) assert.equal(figureHtml(html, id).split("<svg ").length - 1, 1, id);
    assert.equal(html.split("<svg ").length - 1, REPORT_CHART_IDS.length);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\s(src|href)=/i);
    // three days with the price overlay, hours on the axis; the learning curves over two seeds
    assert.match(figureHtml(html, "grid-power"), /first 72 hours[^<]*price/);
    assert.match(figureHtml(html, "grid-power"), /hour of the episode/);
    assert.match(figureHtml(html, "learning-curves"), /2 training seeds/);
    assert.match(figureHtml(html, "learning-time"), /training wall time/);
  });

  it("escapes the text it is given, in the page and inside the charts", async () => {
    const hostile = structuredClone(input.results[0]!);
    hostile.policy = `my<b>opic</b> & "co"`;
    for (const e of hostile.episodes) e.trajectory = input.results[0]!.episodes.find((x) => x.seed === e.seed)!.trajectory;
    const page = await renderBenchmarkReport({
      ...input,
      title: "<script>alert(1)</script>",
      envId: "Env<'x'>",
      results: [hostile],
      paired: null,
      learningCurves: [{ policy: "<i>dqn</i>", points: [{ step: 0, episodeReturn: -1 }, { step: 1, episodeReturn: 0 }] }],
      notes: ["a < b && c > d"],
    });
    for (const raw of ["<script>", "<b>", "</b>", "<i>", "Env<'x'>", "a < b && c > d"]) assert.ok(!page.includes(raw), raw);
    assert.ok(page.includes("<h1>&#60;script&#62;alert(1)&#60;/script&#62;</h1>"));
    assert.ok(page.includes("<li>a &#60; b &#38;&#38; c &#62; d</li>"));
    assert.ok(page.includes(`<th class="num">my&#60;b&#62;opic&#60;/b&#62; &#38; &#34;co&#34;</th>`));
  });

  it("without a learner: a note in place of the learning curves, no empty chart", async () => {
    const page = await renderBenchmarkReport({ ...input, learningCurves: [] });
    assert.match(page, /<p class="empty">No learner ran/);
    assert.deepEqual(chartIds(page), REPORT_CHART_IDS.filter((id) => id !== "learning-curves" && id !== "learning-time"));
    assert.doesNotMatch(page, /no cost chart|no trajectory/i);
  });

  it("renders equal inputs to byte-identical pages", async () => {
    assert.equal(await renderBenchmarkReport(input), html);
  });

  describe("in headless chromium, 800 px wide", function () {
    let browser: Browser;
    let dir: string;
    const pages: Record<string, { page: Page; requests: string[]; file: string }> = {};

    before(async function () {
      if (!existsSync(CHROMIUM)) {
        // .ci/run installs Debian's chromium, so CI always runs these; a developer machine
        // without it skips them, visibly
        if (process.env["CI"] === "true") throw new Error(`chromium not found at ${CHROMIUM}: .ci/run should have installed it`);
        this.skip();
      }
      this.timeout(120_000);
      dir = mkdtempSync(join(tmpdir(), "gridgym-report-"));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      const reports: Record<string, string> = { "CommunityBattery-v0": html, "Community-v0": await renderBenchmarkReport(await communityReport()) };
      for (const [id, page] of Object.entries(reports)) {
        const file = join(dir, `report-${id}.html`);
        writeFileSync(file, page);
        const p = await browser.newPage({ viewport: { width: 800, height: 900 } });
        const requests: string[] = [];
        p.on("request", (r) => requests.push(r.url()));
        await p.goto(pathToFileURL(file).href, { waitUntil: "load" });
        pages[id] = { page: p, requests, file };
      }
    });

    after(async () => {
      await browser?.close();
    });

    for (const id of ["CommunityBattery-v0", "Community-v0"]) {
      it(`${id}: loads the report file and nothing else`, () => {
        assert.deepEqual(pages[id]!.requests, [pathToFileURL(pages[id]!.file).href]);
      });

      it(`${id}: no horizontal scroll; every chart a visible SVG with its marks, inside the page`, async () => {
        const { page } = pages[id]!;
        const widths = await page.$eval("html", (root) => ({ scroll: root.scrollWidth, client: root.clientWidth }));
        assert.ok(widths.scroll <= widths.client, `page scrolls sideways: ${widths.scroll} > ${widths.client}`);
        const charts = await page.$$eval("figure[data-chart]", (figs) => figs.map((f) => {
          const svg = f.querySelector("svg");
          const box = svg?.getBoundingClientRect();
          const paths = svg ? [...svg.querySelectorAll("g.role-mark path")] : [];
          return {
            id: f.getAttribute("data-chart"),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            right: box?.right ?? 0,
            lines: svg ? [...svg.querySelectorAll("g.role-mark.mark-line path")].filter((p) => (p.getAttribute("d") ?? "").length > 10).length : 0,
            marks: paths.length + (svg ? svg.querySelectorAll("g.role-mark symbol, g.role-mark rect").length : 0),
          };
        }));
        const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
        for (const c of charts) {
          assert.ok(c.width > 300 && c.height > 150, `${c.id} is ${c.width} x ${c.height}`);
          assert.ok(c.right <= widths.client, `${c.id} ends at ${c.right}, past the page (${widths.client})`);
          assert.ok(c.marks > 0, `${c.id} has no marks`);
        }
        for (const needed of ["learning-curves", "learning-time", "regret", "cost", "grid-power"]) assert.ok(byId[needed], `${id} has no ${needed} chart`);
        // one line per policy with a trajectory over the days
        assert.ok(byId["grid-power"]!.lines >= 3, `grid-power has ${byId["grid-power"]!.lines} lines`);
        const tables = await page.$$eval("table", (ts) => ts.map((t) => t.getBoundingClientRect().right));
        for (const right of tables) assert.ok(right <= widths.client, `a table ends at ${right}`);
      });

      it(`${id}: screenshots to a non-trivial PNG 800 px wide, as tall as the page`, async () => {
        const path = join(dir, `report-${id}.png`);
        await pages[id]!.page.screenshot({ path, fullPage: true });
        const png = readFileSync(path);
        assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        // IHDR: width and height, big-endian, right after the signature and chunk header
        assert.equal(png.readUInt32BE(16), 800);
        const height = png.readUInt32BE(20);
        assert.ok(height > 5 * 250, `screenshot only ${height} px tall`);
        assert.ok(png.length > 80_000, `screenshot only ${png.length} bytes`);
      });
    }
  });
});
