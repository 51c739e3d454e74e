import { describe, expect, it } from 'vitest';
import { newExecutionRow, toExecution } from '../store/repos/execution-rows.ts';
import { executionListView } from './views.ts';

const execution = (result: unknown) => ({
  ...toExecution(newExecutionRow({ task: 't', payload: {}, trigger: 'api', maxAttempts: 1 }, 0)),
  result,
});

describe('executionListView', () => {
  it('passes on a result the store already cut', () => {
    const cut = { sources: { truncated: true, length: 1000 } };
    const view = executionListView({ ...execution(cut), resultTruncated: true }, 'UTC');
    expect(view).toMatchObject({ result: cut, resultTruncated: true });
  });

  it('cuts a whole result read from a row finished before cut copies were stored', () => {
    const view = executionListView(
      execution({ ok: 3, lines: Array.from({ length: 21 }, (_, i) => i) }),
      'UTC',
    );
    expect(view).toMatchObject({
      result: { ok: 3, lines: { truncated: true, length: 21 } },
      resultTruncated: true,
    });
  });

  it('leaves a small result as it is', () => {
    const view = executionListView(execution({ lines: [1, 2, 3] }), 'UTC');
    expect(view.result).toEqual({ lines: [1, 2, 3] });
    expect(view.resultTruncated).toBeUndefined();
  });
});
