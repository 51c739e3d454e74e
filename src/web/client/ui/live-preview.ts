// A live preview that is safe with input methods (Chinese pinyin, Japanese kana, phone keyboards):
// while a composition is in progress nothing is re-rendered and nothing touches the text fields; the
// preview catches up on compositionend. Updates are coalesced to one per animation frame.
export function livePreview(editor: HTMLElement, update: () => void, signal: AbortSignal): () => void {
  let composing = false;
  let queued = false;
  const schedule = () => {
    if (composing || queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (!composing && !signal.aborted) update();
    });
  };
  editor.addEventListener('compositionstart', () => (composing = true), { signal });
  editor.addEventListener(
    'compositionend',
    () => {
      composing = false;
      schedule();
    },
    { signal },
  );
  editor.addEventListener(
    'input',
    (e) => {
      if ((e as InputEvent).isComposing) return;
      schedule();
    },
    { signal },
  );
  editor.addEventListener('change', schedule, { signal });
  return schedule;
}
