// Total blocking time of a page as Chromium really runs it with its CPU slowed 4x (Lighthouse's
// mobile factor), from the page's own Long Tasks API: Lighthouse *simulates* its figure from one
// trace, which moves by ±100 ms run to run; this measures many real loads and prints the median.
//
//   node scripts/blocking-time.mjs http://127.0.0.1:8080/ [runs]
//
// Needs puppeteer-core, which Lighthouse brings (`./dev lighthouse` installs it into the tools
// folder; set HOURBANK_TOOLS if that is not ~/.cache/hourbank-tools) and Chromium (CHROMIUM).
import { homedir } from 'node:os';
import { join } from 'node:path';

const tools = process.env.HOURBANK_TOOLS || join(homedir(), '.cache/hourbank-tools');
const { default: puppeteer } = await import(
  join(tools, 'node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js'));

const url = process.argv[2];
const runs = Number(process.argv[3] || 15);
if (!url) {
  console.error('usage: node scripts/blocking-time.mjs <url> [runs]');
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'],
});
const totals = [];
for (let run = 0; run < runs; run++) {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.evaluateOnNewDocument(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  await new Promise((done) => setTimeout(done, 1500));
  const tasks = await page.evaluate(() => window.__longTasks);
  // As Lighthouse counts it: what each task takes beyond 50 ms.
  totals.push(tasks.reduce((sum, ms) => sum + Math.max(0, ms - 50), 0));
  await page.close();
}
await browser.close();
totals.sort((a, b) => a - b);
console.log(`${url}: total blocking time at 4x CPU, median of ${runs} loads ${totals[runs >> 1]} ms ` +
  `(range ${totals[0]}-${totals[runs - 1]} ms)`);
