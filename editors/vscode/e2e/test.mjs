// The browser half of editors/vscode/e2e/run: drives code-server (real VS Code) in
// Chromium through playwright-core and checks what a person sees:
//   1. the Problems panel lists the volume's diagnostics, as many as the server publishes;
//   2. the Outline lists every message (`## ` heading) of the volume;
//   3. hovering a person's name shows the register's card.
// Expectations come from the corpus text and from the server itself (this script also
// talks LSP to the same binary, to learn what it publishes), never from fixed lines.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run editors/vscode/e2e/run`);
  return v;
};
const URL_ = env('APPARATUS_E2E_URL');
const CDP = env('APPARATUS_E2E_CDP');
const WS = env('APPARATUS_E2E_WORKSPACE');
const SERVER = env('APPARATUS_E2E_SERVER');
const SHOTS = env('APPARATUS_E2E_SCREENSHOTS');
const LOGS = env('APPARATUS_E2E_LOGS');
const CORPUS = path.join(WS, 'corpus');
// The Outline labels a provider's group with its extension's display name.
const DISPLAY_NAME = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).displayName;

const log = (...a) => console.error('[e2e]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// The corpus, read as simply as the test needs.

function registers() {
  const toml = fs.readFileSync(path.join(CORPUS, 'edition.toml'), 'utf8');
  const m = /^\s*persons\s*=\s*(\[[^\]]*\]|"[^"]*")/m.exec(toml);
  if (!m) return ['persons.md'];
  return m[1].startsWith('[') ? [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]) : [m[1].slice(1, -1)];
}

const headingLevel = (l) => {
  const m = /^(#{1,6}) /.exec(l);
  return m ? m[1].length : 0;
};
const isMeta = (l) => /^[a-z_-]+: /.test(l);
const footnoteDef = (l) => /^\[\^[A-Za-z0-9_-]+\]:/.test(l);

/** Line kinds: front, fence, h1..h6, meta, note, body. */
function classify(lines) {
  const kinds = [];
  let i = 0;
  if (lines[0]?.trimEnd() === '---') {
    kinds.push('front');
    for (i = 1; i < lines.length; i++) {
      kinds.push('front');
      if (lines[i].trimEnd() === '---' || lines[i].trimEnd() === '...') {
        i++;
        break;
      }
    }
  }
  let fence = false;
  let meta = false;
  let note = false;
  for (; i < lines.length; i++) {
    const l = lines[i];
    let k;
    if (/^(```|~~~)/.test(l)) {
      fence = !fence;
      k = 'fence';
    } else if (fence) k = 'fence';
    else if (headingLevel(l)) {
      meta = headingLevel(l) === 2;
      note = false;
      k = `h${headingLevel(l)}`;
    } else if (meta && isMeta(l)) k = 'meta';
    else if (footnoteDef(l)) {
      meta = false;
      note = true;
      k = 'note';
    } else if (note && (/^( {4}|\t)/.test(l) || l.trim() === '')) k = 'note';
    else {
      meta = false;
      note = false;
      k = 'body';
    }
    kinds.push(k);
  }
  return kinds;
}

function persons() {
  const out = [];
  for (const reg of registers()) {
    const lines = fs.readFileSync(path.join(CORPUS, reg), 'utf8').split(/\r?\n/);
    const kinds = classify(lines);
    let cur = null;
    lines.forEach((l, i) => {
      if (kinds[i] === 'h2') {
        if (cur) out.push(cur);
        cur = { display: l.replace(/^#+\s*/, '').trim(), id: '', names: [] };
      } else if (kinds[i] === 'meta' && cur) {
        const [k, ...v] = l.split(': ');
        const val = v.join(': ').trim();
        if (k === 'id') cur.id = val;
        if (k === 'names') cur.names = val.split(';').map((s) => s.trim()).filter(Boolean);
      }
    });
    if (cur) out.push(cur);
  }
  return out.filter((p) => p.id);
}

const wordChar = (c) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
function findWord(line, form) {
  const out = [];
  for (let from = 0; ; ) {
    const s = line.indexOf(form, from);
    if (s < 0) return out;
    const before = [...line.slice(0, s)].pop();
    const after = [...line.slice(s + form.length)][0];
    if (!wordChar(before) && !wordChar(after)) out.push(s);
    from = s + Math.max(form.length, 1);
  }
}

/** The first unambiguous implicit mention of a person in body text. */
function findMention(lines, kinds, people) {
  const owners = new Map();
  people.forEach((p, i) => p.names.forEach((n) => owners.set(n, [...(owners.get(n) ?? []), i])));
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (kinds[ln] !== 'body' || line.includes('person:')) continue;
    let best = null;
    for (const [form, who] of owners) {
      if (who.length !== 1) continue;
      for (const s of findWord(line, form)) {
        const e = s + form.length;
        const covered = [...owners.keys()].some(
          (o) => o.length > form.length && findWord(line, o).some((x) => x <= s && x + o.length >= e),
        );
        const open = (line.slice(0, s).match(/\[/g) ?? []).length > (line.slice(0, s).match(/]/g) ?? []).length;
        if (!covered && !open && (!best || s < best.start)) best = { start: s, form, person: people[who[0]] };
      }
    }
    if (best) return { line: ln, ...best };
  }
  return null;
}

function volumes() {
  const regs = new Set(registers());
  return fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.md') && !regs.has(f) && f.toLowerCase() !== 'readme.md')
    .sort();
}

/** Volumes with messages and a person mention, fewest messages first. */
function candidateVolumes(people) {
  const wanted = process.env.APPARATUS_E2E_VOLUME;
  const out = [];
  for (const name of wanted ? [wanted] : volumes()) {
    const text = fs.readFileSync(path.join(CORPUS, name), 'utf8');
    const lines = text.split(/\r?\n/);
    const kinds = classify(lines);
    const messages = lines
      .map((l, i) => ({ line: i, title: l.replace(/^#+\s*/, '').trim(), kind: kinds[i] }))
      .filter((m) => m.kind === 'h2');
    const mention = findMention(lines, kinds, people);
    if (messages.length && mention) out.push({ name, text, lines, messages, mention });
  }
  return out.sort((a, b) => a.messages.length - b.messages.length || a.name.localeCompare(b.name));
}

const stripMarkers = (s) => s.replace(/\[\^[A-Za-z0-9_-]+\]/g, '').trim();

// ---------------------------------------------------------------------------------------
// What the server publishes for the volume, asked over LSP directly.

function serverDiagnostics(file, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const child = spawn(SERVER, ['lsp'], { cwd: CORPUS, stdio: ['pipe', 'pipe', 'ignore'] });
    let buf = Buffer.alloc(0);
    let id = 0;
    const uri = 'file://' + file.split('/').map(encodeURIComponent).join('/');
    const send = (msg) => {
      const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
      child.stdin.write(`Content-Length: ${b.length}\r\n\r\n`);
      child.stdin.write(b);
    };
    let last = null;
    let settle = null;
    const finish = (val, err) => {
      clearTimeout(timer);
      clearTimeout(settle);
      try {
        send({ id: ++id, method: 'shutdown' });
        send({ method: 'exit' });
      } catch {}
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
      err ? reject(err) : resolve(val);
    };
    // A file without problems may get no publication at all.
    const timer = setTimeout(() => finish(last ?? []), timeoutMs);
    child.on('error', (e) => finish(null, e));
    child.stdout.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, h).toString())[1]);
        if (buf.length < h + 4 + len) return;
        const msg = JSON.parse(buf.slice(h + 4, h + 4 + len).toString());
        buf = buf.slice(h + 4 + len);
        if (msg.id === 1 && msg.result) {
          send({ method: 'initialized', params: {} });
          send({
            method: 'textDocument/didOpen',
            params: { textDocument: { uri, languageId: 'markdown', version: 1, text: fs.readFileSync(file, 'utf8') } },
          });
        } else if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri) {
          last = msg.params.diagnostics;
          clearTimeout(settle);
          settle = setTimeout(() => finish(last), 1500);
        } else if (msg.id !== undefined && msg.method) {
          send({ id: msg.id, result: null }); // requests from the server
        }
      }
    });
    send({
      id: ++id,
      method: 'initialize',
      params: {
        processId: process.pid,
        rootUri: 'file://' + CORPUS,
        workspaceFolders: [{ uri: 'file://' + CORPUS, name: 'corpus' }],
        capabilities: { textDocument: { publishDiagnostics: {} } },
        initializationOptions: { inlayHints: { isoDates: true } },
      },
    });
  });
}

// ---------------------------------------------------------------------------------------
// The browser.

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill('>' + title);
  // The row whose label is the title exactly (not "… (JSON)" and the like).
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10000 });
  let lastLabels = [];
  const index = await waitFor(`the command "${title}"`, async () => {
    const labels = await rows.evaluateAll((els) =>
      els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? '').trim()),
    );
    lastLabels = labels;
    const i = labels.findIndex((l) => l === title);
    return i >= 0 ? i + 1 : null;
  }, 10000).catch((e) => {
    throw new Error(`${e.message}; the palette offers ${JSON.stringify(lastLabels)}`);
  });
  await rows.nth(index - 1).click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
}

async function waitFor(what, fn, timeoutMs = 60000, everyMs = 250) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Texts of the rows of a virtualised list, scrolling it through. */
async function allRows(page, list) {
  const seen = new Map();
  await list.hover();
  for (let i = 0; i < 200; i++) {
    const rows = await list.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute('data-index')),
        level: Number(e.getAttribute('aria-level')),
        text: e.textContent ?? '',
        name: (e.querySelector('.label-name')?.textContent ?? '').trim(),
        label: e.getAttribute('aria-label') ?? '',
      })),
    );
    const before = seen.size;
    for (const r of rows) seen.set(r.index, r);
    if (i > 0 && seen.size === before) break;
    await page.mouse.wheel(0, 400);
    await sleep(150);
  }
  await page.mouse.wheel(0, -100000);
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

async function main() {
  const people = persons();
  if (!people.length) throw new Error('the register names nobody');
  // The volume: the smallest with messages, a person mention and problems to show.
  let vol = null;
  let published = [];
  let shown = [];
  for (const v of candidateVolumes(people)) {
    published = await serverDiagnostics(path.join(CORPUS, v.name));
    shown = published.filter((d) => (d.severity ?? 1) <= 3); // the Problems panel shows no hints
    if (shown.length) {
      vol = v;
      break;
    }
  }
  if (!vol) throw new Error('no volume has messages, a person mention and an error, warning or information to show');
  log(`volume ${vol.name}: ${vol.messages.length} messages; hover on "${vol.mention.form}" (line ${vol.mention.line + 1}) → ${vol.mention.person.display}`);
  log(`the server publishes ${published.length} diagnostics for it (${shown.length} above hint)`);

  const browser = await chromium.connectOverCDP(CDP);
  const context = browser.contexts()[0] ?? (await browser.newContext());
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1440, height: 900 });
  page.setDefaultTimeout(30000);
  const failures = [];
  const steps = { problems: true, outline: true, hover: true };
  if (process.env.APPARATUS_E2E_SETTINGS) Object.assign(steps, { missing: true, exited: true });
  const fail = (step, msg) => {
    steps[step] = false;
    failures.push(`${step}: ${msg}`);
  };
  try {
    await page.goto(URL_, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90000 });
    log('workbench loaded');

    // Open the volume with Quick Open.
    await page.keyboard.press('Control+P');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor({ state: 'visible' });
    await qi.fill(`corpus/${vol.name}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: vol.name }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator(`.tabs-container .tab[data-resource-name="${vol.name}"]`).waitFor({ state: 'visible' });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    log('volume open');

    // 1. Problems: the volume's entry in the panel, filtered to the volume (the server
    //    also reports the corpus files that are not open), with exactly the problems the
    //    server publishes, once the count has settled.
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible' });
    const filter = page.getByPlaceholder(/^Filter \(e\.g\./).first();
    await filter.click();
    await filter.fill(`**/${vol.name}`);
    const fileRow = panel.locator('.monaco-list-row', { hasText: vol.name }).first();
    await fileRow.waitFor({ state: 'visible', timeout: 90000 });
    const badgeOf = async () => Number((await fileRow.locator('.monaco-count-badge').textContent().catch(() => ''))?.trim() || NaN);
    // Settled: the same count for 5 s in a row.
    let last = NaN;
    let since = Date.now();
    const count = await waitFor('the problem count of the volume to settle', async () => {
      const now = await badgeOf();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return !Number.isNaN(now) && Date.now() - since >= 5000 ? now : null;
    }, 90000, 500);
    if (count !== shown.length) fail('problems', `Problems shows ${count} problems for ${vol.name}, the server published ${shown.length} (errors, warnings and informations)`);
    const problemRows = await panel.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    // The first rows, in the panel's order (severity, then position).
    const visible = [...shown]
      .sort((a, b) => (a.severity ?? 1) - (b.severity ?? 1) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
      .slice(0, 8);
    for (const d of visible) {
      const first = d.message.split('\n')[0].slice(0, 60);
      if (!problemRows.some((t) => t.includes(first) && t.includes(String(d.code)))) {
        fail('problems', `the problem "${first}" (${d.code}) is not in the Problems panel: ${JSON.stringify(problemRows.slice(0, 10))}`);
        break;
      }
    }
    await page.screenshot({ path: path.join(SHOTS, 'problems.png') });
    const codes = [...new Set(shown.map((d) => d.code))];
    log(`Problems: ${count} for ${vol.name} (codes ${codes.join(', ')}); the server published ${shown.length}`);

    // 2. Outline: every message of the volume, in the group of this extension's
    //    server (VS Code's Markdown extension adds its own group of headings).
    await runCommand(page, 'View: Hide Panel').catch(() => {});
    await runCommand(page, 'Explorer: Focus on Outline View');
    const folders = page.locator('.pane-header', { hasText: /^\s*workspace/i }).first();
    if ((await folders.getAttribute('aria-expanded').catch(() => null)) === 'true') await folders.click();
    const outline = page.locator('.outline-pane').first();
    await outline.waitFor({ state: 'visible' });
    const titles = vol.messages.map((m) => stripMarkers(m.title));
    // Several providers: a level-1 group row per provider; one: no group rows. VS Code's
    // Markdown symbols are named with their hashes ("## Title"), the server's without,
    // so exact names tell them apart either way.
    const ownGroup = (rows) => {
      const groups = rows.filter((r) => r.level === 1 && (r.name === DISPLAY_NAME || r.name === 'Markdown Language Features'));
      if (!groups.length) return rows;
      const at = rows.findIndex((r) => r.level === 1 && r.name === DISPLAY_NAME);
      if (at < 0) return [];
      const end = rows.findIndex((r, i) => i > at && r.level === 1);
      return rows.slice(at + 1, end < 0 ? rows.length : end);
    };
    const missingIn = (rows) => {
      const names = new Set(ownGroup(rows).map((x) => stripMarkers(x.name)));
      return titles.filter((t) => !names.has(t));
    };
    let outlineRows = [];
    await waitFor('the messages in the Outline', async () => {
      outlineRows = await allRows(page, outline.locator('.monaco-list').first());
      return missingIn(outlineRows).length === 0;
    }, 60000).catch(() => {
      const missing = missingIn(outlineRows);
      fail('outline', `the Outline (group "${DISPLAY_NAME}") lacks ${missing.length} of ${titles.length} messages, e.g. ${JSON.stringify(missing.slice(0, 3))}; rows: ${JSON.stringify(outlineRows.slice(0, 8).map((r) => r.name))}`);
    });
    await page.screenshot({ path: path.join(SHOTS, 'outline.png') });
    log(`Outline: ${titles.length - missingIn(outlineRows).length} of ${titles.length} messages in the server's outline`);

    // 3. Hover on a person's name.
    const { line, start, form, person } = vol.mention;
    const col = start + Math.floor(form.length / 2);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await qi.waitFor({ state: 'visible' });
    await qi.fill(`:${line + 1}:${col + 1}`);
    await page.keyboard.press('Enter');
    await sleep(500);
    const cursor = page.locator('.editor-instance .monaco-editor .cursors-layer .cursor').first();
    const box = await cursor.boundingBox();
    if (!box) throw new Error('no cursor in the editor');
    const hover = page.locator('.monaco-hover:not(.hidden)');
    const found = await waitFor('the hover card', async () => {
      await page.mouse.move(box.x + 3, box.y + box.height / 2 + 1);
      await sleep(400);
      await page.mouse.move(box.x + 4, box.y + box.height / 2);
      const texts = await hover.allTextContents().catch(() => []);
      return texts.find((t) => t.includes(person.display) && t.includes(`id ${person.id}`)) ?? null;
    }, 30000).catch(async () => {
      const texts = await hover.allTextContents().catch(() => []);
      fail('hover', `hovering "${form}" shows no card of ${person.display}; hover: ${JSON.stringify(texts)}`);
      return null;
    });
    await page.screenshot({ path: path.join(SHOTS, 'hover.png') });
    log(`Hover: ${found ? 'card of ' + person.display : 'none'}`);

    // 4. A missing server binary: a notification that names it and the fix. The setting
    //    is changed the way a user does, in the Settings editor.
    if (process.env.APPARATUS_E2E_SETTINGS) {
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      const missing = path.join(WS, 'no-such-dir', 'apparatus');
      await runCommand(page, 'Preferences: Open User Settings');
      const editor = page.locator('.settings-editor');
      await editor.waitFor({ state: 'visible' });
      await editor.locator('.settings-header .suggest-input-container').click();
      await page.keyboard.type('apparatus.server.path');
      // The path is machine-overridable: in a remote window (code-server is one), the
      // Settings editor offers it under "Remote", not "User".
      const remoteTab = editor.locator('.settings-tabs-widget .action-label', { hasText: /^Remote/ });
      if (await remoteTab.count()) await remoteTab.first().click();
      const item = editor.locator('.setting-item-text', { has: page.locator('.setting-item-title', { hasText: 'Server: Path' }) });
      await item.first().waitFor({ state: 'visible' });
      const input = item.first().locator('.setting-item-control input');
      await input.waitFor({ state: 'visible' });
      await input.fill(missing);
      await page.keyboard.press('Tab');
      const expected = `apparatus: the server binary \`${missing}\` was not found. Install it with \`cargo install --path .\` or set \`apparatus.server.path\`.`;
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'was not found' }).first();
      const shownText = await waitFor('the missing-server notification', async () => {
        const t = await toast.textContent({ timeout: 500 }).catch(() => null);
        return t && t.includes('was not found') ? t : null;
      }, 60000).catch(() => null);
      if (!shownText) fail('missing', 'no notification after pointing apparatus.server.path at a missing binary');
      else {
        const message = await toast.locator('.notification-list-item-message').textContent();
        if (message?.trim() !== expected) fail('missing', `the notification says ${JSON.stringify(message)}, expected ${JSON.stringify(expected)}`);
        const button = toast.locator('.monaco-button', { hasText: 'Open Settings' });
        if (!(await button.count())) fail('missing', 'the notification has no "Open Settings" button');
      }
      await sleep(1000); // the toast fades in
      await page.screenshot({ path: path.join(SHOTS, 'missing-server.png') });
      log(`Missing server: ${shownText ? 'notified' : 'no notification'}`);

      // 5. A server that exits at once: a notification with its exit status.
      const exiting = '/bin/false';
      await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear, .notifications-toasts .notification-toast .codicon-close').first().click().catch(() => {});
      await input.fill(exiting);
      await page.keyboard.press('Tab');
      const exitToast = page.locator('.notifications-toasts .notification-toast', { hasText: 'exited with code 1' }).first();
      const exitText = await waitFor('the server-exited notification', async () => {
        const t = await exitToast.locator('.notification-list-item-message').textContent({ timeout: 500 }).catch(() => null);
        return t ?? null;
      }, 60000).catch(() => null);
      if (!exitText) fail('exited', `no notification after pointing apparatus.server.path at ${exiting}`);
      else if (!exitText.startsWith(`apparatus: the server \`${exiting} lsp\` exited with code 1.`) || !exitText.includes('cargo install --path .'))
        fail('exited', `the notification says ${JSON.stringify(exitText)}`);
      const generic = await page
        .locator('.notifications-toasts .notification-toast', { hasText: /couldn't create connection|connection to server is erroring/ })
        .count();
      if (generic) fail('exited', `the client library's generic error shows as well (${generic} toasts)`);
      await sleep(1000);
      await page.screenshot({ path: path.join(LOGS, 'server-exited.png') });
      log(`Exiting server: ${exitText ? 'notified: ' + exitText : 'no notification'}`);
    }
  } catch (e) {
    await page.screenshot({ path: path.join(LOGS, 'failure.png') }).catch(() => {});
    throw e;
  } finally {
    await browser.close().catch(() => {});
  }
  for (const f of failures) console.error(`[e2e] FAIL: ${f}`);
  const failed = Object.values(steps).filter((ok) => !ok).length;
  console.log(`${Object.keys(steps).length - failed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error('[e2e] FAIL:', e?.stack ?? e);
  process.exitCode = 1;
});
