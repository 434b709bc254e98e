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
import { evaluate, type EvaluationResult } from "../../training/evaluate.js";
import { baselineFactory } from "../../training/policies.js";
import { REPORT_CHART_IDS, renderBenchmarkReport, type LearningCurve, type ReportInput } from "../../training/report.js";
import { STORAGE_KPI_COLUMNS } from "../../training/table.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SEEDS = [1000, 1001];

/** A short synthetic DQN curve: episode returns every 500 steps, an evaluation every 2,000. */
function syntheticCurves(): LearningCurve[] {
  const points = Array.from({ length: 12 }, (_, i) => ({
    step: i * 500,
    episodeReturn: -30 + 18 * (1 - Math.exp(-i / 4)),
    ...(i % 4 === 0 ? { evalReturn: -29 + 17 * (1 - Math.exp(-i / 4)) } : {}),
  }));
  return [{ policy: "dqn", points }];
}

/** The part of the page inside the figure whose data-chart is `id`. */
function figureHtml(html: string, id: string): string {
  const start = html.indexOf(`<figure id="chart-${id}" data-chart="${id}">`);
  assert.ok(start >= 0, `figure ${id} missing`);
  return html.slice(start, html.indexOf("</figure>", start));
}

describe("benchmark HTML report", () => {
  let results: EvaluationResult[];
  let input: ReportInput;
  let html: string;

  before(async () => {
    results = [];
    for (const name of ["myopic", "oracle"]) {
      results.push(evaluate("CommunityBattery-v0", { days: 1 }, await baselineFactory(name), SEEDS, { keepTrajectories: true }));
    }
    input = {
      title: "gridgym benchmark: CommunityBattery-v0",
      envId: "CommunityBattery-v0",
      seeds: SEEDS,
      generatedAt: "2025-06-01T12:00:00Z",
      results,
      learningCurves: syntheticCurves(),
      notes: ["Learners trained on seeds below 1000."],
    };
    html = await renderBenchmarkReport(input);
  });

  it("shows each policy's KPIs as mean ± 95 % CI, as in the terminal table", () => {
    const table = html.slice(html.indexOf('<table id="kpi-table">'), html.indexOf("</table>"));
    for (const c of STORAGE_KPI_COLUMNS) assert.ok(table.includes(`<th>${c.label}</th>`), c.label);
    for (const r of results) {
      const cost = r.summary["totalCostEur"]!;
      assert.equal(cost.n, 2);
      assert.ok(table.includes(`<td class="num">${cost.mean.toFixed(1)} ± ${cost.ci95.toFixed(1)}</td>`), `${r.policy} total cost`);
      const sc = r.summary["selfConsumption"]!;
      assert.ok(table.includes(`<td class="num">${(sc.mean * 100).toFixed(1)} ± ${(sc.ci95 * 100).toFixed(1)}</td>`), `${r.policy} self-consumption`);
    }
  });

  it("states the run facts it was given", () => {
    assert.ok(html.includes("<dd>CommunityBattery-v0</dd>"));
    assert.ok(html.includes("<dd>1000, 1001</dd>"));
    assert.ok(html.includes("<dd>myopic, oracle</dd>"));
    assert.ok(html.includes("<dd>2025-06-01T12:00:00Z</dd>"));
    assert.ok(html.includes("<li>Learners trained on seeds below 1000.</li>"));
  });

  it("holds exactly one inline SVG per chart and nothing that loads from elsewhere", () => {
    for (const id of REPORT_CHART_IDS) {
      assert.equal(figureHtml(html, id).split("<svg ").length - 1, 1, id);
    }
    assert.equal(html.split("<svg ").length - 1, REPORT_CHART_IDS.length);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\s(src|href)=/i);
  });

  it("escapes the text it is given, in the page and inside the charts", async () => {
    const hostile = structuredClone(results[0]!);
    hostile.policy = `my<b>opic</b> & "co"`;
    for (const e of hostile.episodes) e.trajectory = results[0]!.episodes.find((x) => x.seed === e.seed)!.trajectory;
    const page = await renderBenchmarkReport({
      ...input,
      title: "<script>alert(1)</script>",
      envId: "Env<'x'>",
      results: [hostile],
      learningCurves: [{ policy: "<i>dqn</i>", points: [{ step: 0, episodeReturn: -1 }, { step: 1, episodeReturn: 0 }] }],
      notes: ["a < b && c > d"],
    });
    for (const raw of ["<script>", "<b>", "</b>", "<i>", "Env<'x'>", "a < b && c > d"]) assert.ok(!page.includes(raw), raw);
    assert.ok(page.includes("<h1>&#60;script&#62;alert(1)&#60;/script&#62;</h1>"));
    assert.ok(page.includes("<li>a &#60; b &#38;&#38; c &#62; d</li>"));
    assert.ok(page.includes(`<th class="num">my&#60;b&#62;opic&#60;/b&#62; &#38; &#34;co&#34;</th>`));
  });

  it("shows a note instead of the learning-curve chart when no learner ran", async () => {
    const page = await renderBenchmarkReport({ ...input, learningCurves: [] });
    const fig = figureHtml(page, "learning-curves");
    assert.ok(!fig.includes("<svg"));
    assert.match(fig, /<p class="empty">No learner ran/);
    assert.equal(page.split("<svg ").length - 1, REPORT_CHART_IDS.length - 1);
  });

  it("renders equal inputs to byte-identical pages", async () => {
    assert.equal(await renderBenchmarkReport(input), html);
  });

  describe("in headless chromium", function () {
    let browser: Browser;
    let page: Page;
    let dir: string;
    const requests: string[] = [];

    before(async function () {
      if (!existsSync(CHROMIUM)) {
        // .ci/run installs Debian's chromium, so CI always runs these; a developer machine
        // without it skips them, visibly
        if (process.env["CI"] === "true") throw new Error(`chromium not found at ${CHROMIUM}: .ci/run should have installed it`);
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), "gridgym-report-"));
      writeFileSync(join(dir, "report.html"), html);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir, "report.html")).href, { waitUntil: "load" });
    });

    after(async () => {
      await browser?.close();
    });

    it("loads the report file and nothing else", () => {
      assert.deepEqual(requests, [pathToFileURL(join(dir, "report.html")).href]);
    });

    it("lays out every chart as a visible, unclipped SVG with its marks", async () => {
      const charts = await page.$$eval("figure[data-chart]", (figs) => figs.map((f) => {
        const svg = f.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        const lines = svg ? [...svg.querySelectorAll("g.role-mark.mark-line path")] : [];
        return {
          id: f.getAttribute("data-chart"),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          right: box?.right ?? 0,
          lines: lines.filter((p) => (p.getAttribute("d") ?? "").length > 10).length,
          rects: svg ? svg.querySelectorAll("g.role-mark.mark-rect path").length : 0,
          marks: svg ? svg.querySelectorAll("g.role-mark path, g.role-mark rect, g.role-mark symbol").length : 0,
        };
      }));
      const pageWidth = await page.$eval("html", (root) => root.clientWidth);
      assert.deepEqual(charts.map((c) => c.id), [...REPORT_CHART_IDS]);
      for (const c of charts) {
        assert.ok(c.width > 300 && c.height > 150, `${c.id} is ${c.width} x ${c.height}`);
        assert.ok(c.right <= pageWidth, `${c.id} ends at ${c.right}, past the page (${pageWidth})`);
        assert.ok(c.marks > 0, `${c.id} has no marks`);
      }
      const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
      // one line per (learner, series): dqn's episode and eval returns
      assert.equal(byId["learning-curves"]!.lines, 2);
      // one line per policy over the day
      assert.equal(byId["soc"]!.lines, 2);
      assert.equal(byId["grid-power"]!.lines, 2);
      // a bar per policy, plus the error-bar ticks
      assert.ok(byId["cost"]!.rects >= 2, `cost has ${byId["cost"]!.rects} rect marks`);
    });

    it("screenshots to a non-trivial PNG as tall as the page", async () => {
      const path = join(dir, "report.png");
      await page.screenshot({ path, fullPage: true });
      const png = readFileSync(path);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      // IHDR: width and height, big-endian, right after the signature and chunk header
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      assert.equal(width, 1100);
      assert.ok(height > 4 * 250, `screenshot only ${height} px tall`);
      assert.ok(png.length > 50_000, `screenshot only ${png.length} bytes`);
    });
  });
});
