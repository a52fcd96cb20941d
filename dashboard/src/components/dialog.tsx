/**
 * A modal on the native <dialog>: focus moves in and is trapped, Esc closes it, focus
 * returns to what opened it.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const close = () => onClose.current();
    dialog.addEventListener("close", close);
    return () => {
      dialog.removeEventListener("close", close);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} class={`dialog ${props.wide ? "dialog-wide" : ""}`} aria-labelledby="dialog-title">
      <header class="dialog-header">
        <h2 id="dialog-title">{props.title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
