#!/usr/bin/env node
// Browser test: signs in as several demo people in Debian's Chromium,
// saves phone and desktop screenshots of each page, runs axe-core in the
// page and fails on serious or critical accessibility violations. For
// farid.haddad it also checks that the <script> in his device name is shown
// as text and never becomes an element or runs.
//
// Environment:
//   BASE_URL        test a stack that already runs there instead of
//                   starting one (for example http://127.0.0.1:8080)
//   BUILD           build directory that scripts/demo uses (default build)
//   SCREENSHOT_DIR  where the PNG files go (default build/browser-screenshots;
//                   relative paths are relative to the checkout)
//   CHROMIUM        browser program (default /usr/bin/chromium)
//
// Prints one closing line "browser: N passed, N failed" and exits 1 when
// any check failed or the test could not run.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const testDir = dirname(fileURLToPath(import.meta.url));
const checkout = resolve(testDir, '../..');

const people = [
  'ada.okafor@example.com',
  'bruno.lindqvist@example.com',
  'chiara.esposito@example.com',
  'dev.raman@example.com',
  'emilie.fournier@example.com',
  'farid.haddad@example.com',
];

// The person whose device names in tests/upstreams/ carry HTML markup.
const markupPerson = 'farid.haddad@example.com';
// Both of his device names (JAMF's and bitFit's) start with this text.
const markupNameStart = '<script>alert(';

const viewports = {
  phone: { width: 390, height: 844, isMobile: true, hasTouch: true },
  desktop: { width: 1280, height: 900, isMobile: false, hasTouch: false },
};

// The flags that let Debian's Chromium run as root in a container with no
// network but loopback. playwright-core starts every launch with a new,
// empty profile directory of its own, so --user-data-dir is not passed
// (launch() rejects it).
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const failingImpacts = new Set(['serious', 'critical']);
const pageTimeoutMs = 15000;
// The whole run is stopped after this, so that a hung browser cannot hold
// CI until its own limit.
const runTimeoutMs = 5 * 60 * 1000;

const counts = { passed: 0, failed: 0, skipped: 0 };

function pass(what) {
  counts.passed += 1;
  console.log(`  ok: ${what}`);
}

function fail(what, detail) {
  counts.failed += 1;
  console.log(`  FAIL: ${what}`);
  if (detail) console.log(detail.replace(/^/gm, '        '));
}

function skip(what, reason) {
  counts.skipped += 1;
  console.log(`  skip: ${what}: ${reason}`);
}

function note(text) {
  console.log(`  note: ${text}`);
}

function check(what, condition, detail) {
  if (condition) pass(what);
  else fail(what, detail);
  return condition;
}

// ---- the demo stack ---------------------------------------------------------

// Return a loopback port that nothing listened on a moment ago. scripts/demo
// fails to start if another program takes it in between.
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

class DemoStack {
  constructor(runDir, port) {
    this.runDir = runDir;
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.running = false;
  }

  env() {
    return {
      ...process.env,
      RUN_DIR: this.runDir,
      DEMO_PORT: String(this.port),
      BUILD: process.env.BUILD || 'build',
    };
  }

  demo(command) {
    return spawnSync(join(checkout, 'scripts/demo'), [command], {
      cwd: checkout,
      env: this.env(),
      encoding: 'utf8',
      timeout: 60000,
    });
  }

  start() {
    const result = this.demo('start');
    if (result.status !== 0) {
      throw new Error(`scripts/demo start failed:\n${result.stdout}${result.stderr}`);
    }
    this.running = true;
  }

  // Print the end of the application log, which explains most failures.
  printLogTail(lines = 40) {
    const log = join(this.runDir, 'stethoscope.log');
    if (!existsSync(log)) return;
    const text = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    console.log(`--- ${log} (last ${lines} lines)\n${text}`);
  }

  // Synchronous, so that it can also run from a signal handler.
  stop() {
    if (this.running) {
      const result = this.demo('stop');
      if (result.status !== 0) {
        console.log(`browser: scripts/demo stop failed:\n${result.stdout}${result.stderr}`);
      }
      this.running = false;
    }
    rmSync(this.runDir, { recursive: true, force: true });
  }
}

async function startStack() {
  // scripts/demo accepts only short paths made of plain characters.
  const runDir = mkdtempSync(join(tmpdir(), 'stethoscope-browser.'));
  const stack = new DemoStack(runDir, await freePort());
  try {
    stack.start();
  } catch (error) {
    stack.stop();
    throw error;
  }
  console.log(`browser: started the demo on ${stack.baseUrl} (RUN_DIR ${runDir})`);
  return stack;
}

// ---- checks in the page -------------------------------------------------------

const axeSource = readFileSync(join(testDir, 'node_modules/axe-core/axe.min.js'), 'utf8');

// Run axe-core in the page. The site's Content-Security-Policy blocks inline
// scripts, and with them page.addScriptTag(). page.evaluate() runs through
// the DevTools protocol, which the policy does not govern, so the page's own
// policy stays in force for everything else.
async function runAxe(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      // What axe-core measured on the first element, such as the colours
      // and the contrast ratio.
      firstMessage: [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none]
        .map((c) => c.message).find(Boolean) || '',
    }));
  });
}

function formatViolation(v) {
  const targets = v.targets.slice(0, 5).join(', ');
  const more = v.targets.length > 5 ? ` and ${v.targets.length - 5} more` : '';
  const measured = v.firstMessage ? `\n  first: ${v.firstMessage}` : '';
  return `${v.id} (${v.impact}): ${v.help}; at ${targets}${more}${measured}`;
}

// Check the page with every <details> element open, so that the help text
// folded into them is checked too.
async function checkAccessibility(page, label) {
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });
  const violations = await runAxe(page);
  const serious = violations.filter((v) => failingImpacts.has(v.impact));
  for (const v of violations.filter((v) => !failingImpacts.has(v.impact))) {
    note(`${label}: axe ${formatViolation(v)}`);
  }
  check(`${label}: no serious or critical axe violations`, serious.length === 0,
    serious.map(formatViolation).join('\n'));
}

// Count the elements whose own text shows the device name's markup, and the
// <script> elements that contain the name's alert() call.
async function inspectMarkupName(page) {
  return page.evaluate((start) => {
    const shownAsText = [...document.querySelectorAll('body *')].filter((el) =>
      [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.includes(start)));
    const scripts = [...document.querySelectorAll('script')].filter((el) =>
      el.textContent.includes('alert('));
    return { shownAsText: shownAsText.length, scriptElements: scripts.length };
  }, markupNameStart);
}

async function checkMarkupName(page, label, { nameExpected }) {
  const found = await inspectMarkupName(page);
  if (nameExpected) {
    check(`${label}: device name with markup is shown as text`, found.shownAsText > 0,
      `no element has text containing "${markupNameStart}"`);
  }
  check(`${label}: no <script> element from the device name`, found.scriptElements === 0,
    `${found.scriptElements} <script> element(s) contain alert(`);
}

// ---- one person -------------------------------------------------------------

const pageNames = ['overview', 'devices', 'device'];

function screenshotName(email, pageName, viewportName) {
  return `${email.split('@')[0]}-${pageName}-${viewportName}.png`;
}

// Delete the screenshots of an earlier run, so that a page skipped now
// leaves no old picture behind. Other files in the directory stay.
function removeOldScreenshots(dir) {
  for (const email of people) {
    for (const pageName of pageNames) {
      for (const viewportName of Object.keys(viewports)) {
        rmSync(join(dir, screenshotName(email, pageName, viewportName)), { force: true });
      }
    }
  }
}

// Open a path and return the response. Return null after recording why the
// page was skipped or failed.
async function open(page, baseUrl, path, label, { optional }) {
  const response = await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  if (status === 404 && optional) {
    skip(label, `${path} answers 404, so the page does not exist yet`);
    return null;
  }
  if (!check(`${label}: ${path} answers 200`, status === 200, `status ${status}`)) return null;
  return response;
}

// Return the path of the first link on the page to a device page
// (/devices/<id>), or null.
async function firstDeviceLink(page) {
  const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.href));
  for (const href of hrefs) {
    const url = new URL(href);
    if (/^\/devices\/[^/]+\/?$/.test(url.pathname)) return url.pathname + url.search;
  }
  return null;
}

async function visit(page, baseUrl, dir, { email, viewportName, pageName, path, optional }) {
  const label = `${email} ${pageName} (${viewportName})`;
  const response = await open(page, baseUrl, path, label, { optional });
  if (!response) return false;

  // The screenshot shows the page as it loads, with <details> still closed.
  const file = join(dir, screenshotName(email, pageName, viewportName));
  await page.screenshot({ path: file, fullPage: true });

  if (email === markupPerson) {
    await checkMarkupName(page, label, { nameExpected: pageName !== 'devices' });
  }
  await checkAccessibility(page, label);
  return true;
}

async function signIn(page, baseUrl, email, label) {
  const url = new URL('/oauth2/callback', baseUrl);
  url.searchParams.set('email', email);
  url.searchParams.set('rd', '/');
  const response = await page.goto(url.href, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  const landed = new URL(page.url()).pathname;
  return check(`${label}: sign-in lands on / with status 200`,
    status === 200 && landed === '/', `status ${status} at ${page.url()}`);
}

async function testPerson(browser, baseUrl, dir, email) {
  console.log(`== ${email}`);
  for (const [viewportName, viewport] of Object.entries(viewports)) {
    const context = await browser.newContext({
      viewport: { width: viewport.width, height: viewport.height },
      isMobile: viewport.isMobile,
      hasTouch: viewport.hasTouch,
      deviceScaleFactor: 1,
    });
    context.setDefaultTimeout(pageTimeoutMs);
    const page = await context.newPage();

    // A dialog can only come from a script that ran, and the site has none.
    const dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    page.on('pageerror', (error) => note(`${email} (${viewportName}): page error: ${error.message}`));

    try {
      const label = `${email} (${viewportName})`;
      if (await signIn(page, baseUrl, email, label)) {
        await visitPages(page, baseUrl, dir, email, viewportName);
      }
      check(`${label}: no script opened a dialog`, dialogs.length === 0,
        dialogs.map((m) => `dialog: ${m}`).join('\n'));
    } catch (error) {
      fail(`${email} (${viewportName}): the pages load and can be checked`, String(error.stack || error));
    } finally {
      await context.close();
    }
  }
}

async function visitPages(page, baseUrl, dir, email, viewportName) {
  const common = { email, viewportName };
  await visit(page, baseUrl, dir, { ...common, pageName: 'overview', path: '/', optional: false });
  let devicePath = await firstDeviceLink(page);

  const listed = await visit(page, baseUrl, dir,
    { ...common, pageName: 'devices', path: '/devices', optional: true });
  if (listed && !devicePath) devicePath = await firstDeviceLink(page);

  if (!devicePath) {
    skip(`${email} device (${viewportName})`, 'no link to /devices/<id> on the overview or /devices');
    return;
  }
  await visit(page, baseUrl, dir, { ...common, pageName: 'device', path: devicePath, optional: true });
}

// ---- main -----------------------------------------------------------------

async function main() {
  const started = Date.now();
  const dir = resolve(checkout, process.env.SCREENSHOT_DIR || 'build/browser-screenshots');
  mkdirSync(dir, { recursive: true });
  removeOldScreenshots(dir);

  let stack = null;
  let browser = null;
  const stopAll = () => {
    if (stack) stack.stop();
    stack = null;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.log(`browser: stopped by ${signal}`);
      stopAll();
      process.exit(2);
    });
  }
  const watchdog = setTimeout(() => {
    console.log(`browser: FAIL: the run took longer than ${runTimeoutMs / 1000}s; stopping`);
    stopAll();
    process.exit(1);
  }, runTimeoutMs);

  try {
    let baseUrl = process.env.BASE_URL;
    if (baseUrl) {
      console.log(`browser: testing the running stack at ${baseUrl}`);
    } else {
      stack = await startStack();
      baseUrl = stack.baseUrl;
    }

    const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
    browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs });
    console.log(`browser: ${executablePath} ${browser.version()}; screenshots go to ${dir}`);

    for (const email of people) {
      await testPerson(browser, baseUrl, dir, email);
    }
  } catch (error) {
    fail('the browser test runs', String(error.stack || error));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (stack && counts.failed > 0) stack.printLogTail();
    stopAll();
    clearTimeout(watchdog);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  console.log(`(${seconds}s)`);
  console.log(`browser: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

await main();
