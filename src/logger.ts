// The app logger. Lines written by a logger bound to an executionId are also handed to the capture,
// which stores them against that execution (the "logs split across processes" problem, solved in one place).
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export interface CapturedLine {
  executionId: string;
  ts: number;
  level: string;
  msg: string;
  data?: Record<string, unknown>;
}

/** Routes captured lines to per-execution sinks registered by the task runner. */
export class ExecutionLogCapture {
  private readonly sinks = new Map<string, (line: CapturedLine) => void>();
  attach(executionId: string, sink: (line: CapturedLine) => void): void {
    this.sinks.set(executionId, sink);
  }
  detach(executionId: string): void {
    this.sinks.delete(executionId);
  }
  dispatch(line: CapturedLine): void {
    this.sinks.get(line.executionId)?.(line);
  }
  has(executionId: string): boolean {
    return this.sinks.has(executionId);
  }
}

/** Execution logs keep info and above even when the console is quieter. */
const CAPTURE_LEVEL = 30;

export interface LoggerOptions {
  level: LevelWithSilent;
  capture?: ExecutionLogCapture;
  destination?: DestinationStream;
}

function lineFrom(args: unknown[]): { msg: string; data?: Record<string, unknown> } {
  const [first, second] = args;
  if (typeof first === 'string') return { msg: first };
  if (first instanceof Error)
    return { msg: typeof second === 'string' ? second : first.message, data: { err: first.message } };
  if (first && typeof first === 'object') {
    const obj = first as Record<string, unknown>;
    const msg = typeof second === 'string' ? second : typeof obj.msg === 'string' ? obj.msg : '';
    return { msg, data: obj };
  }
  return { msg: String(first ?? '') };
}

export function createLogger(opts: LoggerOptions): Logger {
  const capture = opts.capture;
  const dest = opts.destination ?? pino.destination({ fd: 1, sync: false });
  const consoleLevel = opts.level;
  const rootLevel: LevelWithSilent =
    capture && (consoleLevel === 'silent' || pino.levels.values[consoleLevel] > CAPTURE_LEVEL)
      ? 'info'
      : consoleLevel;
  const streams = consoleLevel === 'silent' ? [] : [{ level: consoleLevel as pino.Level, stream: dest }];
  return pino(
    {
      level: rootLevel,
      base: { pid: process.pid },
      hooks: capture
        ? {
            logMethod(args, method, level) {
              if (level >= CAPTURE_LEVEL) {
                const executionId = (this.bindings() as { executionId?: string }).executionId;
                if (executionId && capture.has(executionId)) {
                  const { msg, data } = lineFrom(args);
                  capture.dispatch({
                    executionId,
                    ts: Date.now(),
                    level: pino.levels.labels[level] ?? String(level),
                    msg,
                    data,
                  });
                }
              }
              return method.apply(this, args as Parameters<typeof method>);
            },
          }
        : undefined,
    },
    pino.multistream(streams),
  );
}
