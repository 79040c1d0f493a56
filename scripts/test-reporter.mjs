/**
 * A short node:test reporter (`node --test --test-reporter=./scripts/test-reporter.mjs`): a dot per test,
 * then one summary line. Failures print in full at the end: the test's suites and name, its file and line,
 * the error with its assertion diff, cause and stack, and what that test file wrote to stdout/stderr.
 * Skipped tests are counted by reason. `npm run test:verbose` uses Node's spec reporter instead.
 */
import { relative } from 'node:path';
import { inspect } from 'node:util';

const WIDTH = 80;
const color = process.env.NO_COLOR === undefined && process.env.FORCE_COLOR !== '0' && Boolean(process.stdout.isTTY);
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const red = (text) => paint(31, text);
const green = (text) => paint(32, text);
const yellow = (text) => paint(33, text);
const bold = (text) => paint(1, text);

const where = (file) => (file ? relative(process.cwd(), file) : '');

/** The assertion (or other) error of a failure, without node:test's wrapper. */
function errorText(error) {
  const inner = error?.code === 'ERR_TEST_FAILURE' && error.cause !== undefined ? error.cause : error;
  return inspect(inner, { depth: 6, colors: color, breakLength: 100 });
}

/** `file:line:column` of the failure: the first stack frame in the test file (child processes report line 1). */
function location(f) {
  const stack = String((f.error?.cause ?? f.error)?.stack ?? '');
  const escaped = String(f.file ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = f.file ? new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack) : null;
  if (frame) return `${where(f.file)}:${frame[1]}:${frame[2]}`;
  return `${where(f.file)}${f.line ? `:${f.line}` : ''}`;
}

function indent(text, by = '    ') {
  return text.replace(/^(?=.)/gm, by);
}

export default async function* shortReporter(source) {
  const started = Date.now();
  const names = new Map(); // file -> names of the open tests by nesting level
  const output = new Map(); // file -> what the file wrote to stdout / stderr
  const failures = [];
  const skipped = new Map(); // reason -> count
  const summary = {};
  let column = 0;
  const dot = (char) => {
    column += 1;
    if (column < WIDTH) return char;
    column = 0;
    return `${char}\n`;
  };

  for await (const event of source) {
    const data = event.data ?? {};
    switch (event.type) {
      case 'test:start': {
        const stack = names.get(data.file) ?? [];
        stack.length = data.nesting;
        stack[data.nesting] = data.name;
        names.set(data.file, stack);
        break;
      }
      case 'test:stdout':
      case 'test:stderr':
        output.set(data.file, (output.get(data.file) ?? '') + data.message);
        break;
      case 'test:pass':
        if (data.details?.type === 'suite') break;
        if (data.skip !== undefined && data.skip !== false) {
          const reason = data.skip === true ? '(no reason given)' : String(data.skip);
          skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
          yield dot(yellow('s'));
        } else if (data.todo !== undefined && data.todo !== false) {
          yield dot(yellow('t'));
        } else {
          yield dot('.');
        }
        break;
      case 'test:fail': {
        const error = data.details?.error;
        // A suite that failed only because tests inside it failed adds nothing: those are reported.
        if (error?.failureType === 'subtestsFailed') break;
        const path = [...(names.get(data.file) ?? []).slice(0, data.nesting), data.name];
        failures.push({ path, file: data.file, line: data.line, error });
        yield dot(red('F'));
        break;
      }
      case 'test:diagnostic':
        // The run's totals come as top-level diagnostics: "tests 12", "pass 11", "duration_ms 345.6", ...
        if (data.nesting === 0) {
          const match = /^(\w+) ([\d.]+)$/.exec(data.message);
          if (match) summary[match[1]] = Number(match[2]);
        }
        break;
      default:
        break;
    }
  }

  if (column > 0) yield '\n';
  const failedFiles = new Set();
  for (const [i, f] of failures.entries()) {
    failedFiles.add(f.file);
    yield `\n${red(bold(`${i + 1}) ${f.path.join(' > ')}`))}\n`;
    yield `    at ${location(f)}\n`;
    yield `${indent(errorText(f.error))}\n`;
  }
  for (const file of failedFiles) {
    const text = output.get(file);
    if (!text) continue;
    const lines = text.trimEnd().split('\n');
    const shown = lines.length > 200 ? ['...', ...lines.slice(-200)] : lines;
    yield `\n${bold(`output of ${where(file)}`)} (stdout and stderr${lines.length > 200 ? ', last 200 lines' : ''}):\n`;
    yield `${indent(shown.join('\n'))}\n`;
  }
  for (const [reason, count] of skipped) yield yellow(`skipped ${count}: ${reason}\n`);

  const seconds = ((summary.duration_ms ?? Date.now() - started) / 1000).toFixed(1);
  const fail = (summary.fail ?? 0) + (summary.cancelled ?? 0);
  const parts = [`${summary.tests ?? 0} tests`, `${summary.pass ?? 0} passed`];
  if (summary.skipped) parts.push(`${summary.skipped} skipped`);
  if (summary.todo) parts.push(`${summary.todo} todo`);
  if (summary.cancelled) parts.push(`${summary.cancelled} cancelled`);
  parts.push(`${summary.fail ?? 0} failed`);
  const line = `${parts.join(', ')} (${seconds} s)`;
  yield `\n${fail > 0 ? red(bold(line)) : green(line)}\n`;
}
