// A modal question with two answers, on the native <dialog> (focus stays
// inside, Escape cancels, the focus returns where it was).
//
// Markup: dialog.confirm-dialog with .confirm-dialog__title,
// .confirm-dialog__text, button.confirm-dialog__confirm and
// button.confirm-dialog__cancel.

import { h, uid } from './ui.js';

/**
 * Asks and resolves with true (confirmed) or false.
 * @param {{title: string, text?: string, confirmLabel?: string, cancelLabel?: string, danger?: boolean}} o
 */
export function confirmDialog(o) {
  const titleId = uid('dialog-title');
  const textId = uid('dialog-text');
  const before = document.activeElement;
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'btn btn--secondary confirm-dialog__cancel', onClick: () => dialog.close('cancel') },
      o.cancelLabel || 'Отмена');
    const confirm = h('button', {
      type: 'button',
      class: `btn ${o.danger === false ? 'btn--primary' : 'btn--danger'} confirm-dialog__confirm`,
      onClick: () => dialog.close('confirm'),
    }, o.confirmLabel || 'Подтвердить');
    const dialog = h('dialog', {
      class: 'confirm-dialog',
      'aria-labelledby': titleId,
      'aria-describedby': o.text ? textId : null,
    },
    h('h2', { class: 'confirm-dialog__title', id: titleId }, o.title),
    o.text ? h('p', { class: 'confirm-dialog__text', id: textId }, o.text) : null,
    h('div', { class: 'confirm-dialog__actions' }, confirm, cancel),
    );
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'confirm';
      dialog.remove();
      if (before && typeof before.focus === 'function' && document.contains(before)) before.focus();
      resolve(ok);
    }, { once: true });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
