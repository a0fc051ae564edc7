// Modal windows on the native <dialog> (focus stays inside, Escape cancels,
// the focus returns where it was):
//   confirmDialog  a question with two answers;
//   formDialog     a small form (a reason to give) sent from inside the window,
//                  the server's reasons shown beside the fields;
//   openDialog     any content (the report of a metering point).
//
// Markup: dialog.confirm-dialog with .confirm-dialog__title,
// .confirm-dialog__text, button.confirm-dialog__confirm and
// button.confirm-dialog__cancel; a form dialog has form.dialog-form inside.

import { h, uid, mount, notice } from '../core/ui.js';
import { ApiError } from '../core/api.js';
import { createForm } from './forms.js';
import { submitter } from './submit.js';

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

/**
 * A modal window with any content. build(close) returns the nodes of its body;
 * close(value) shuts it. Resolves with that value (null after Escape).
 * @param {{title: string, className?: string, build: (close: (value?: any) => void, titleId: string) => Node|Node[]}} o
 */
export function openDialog(o) {
  const titleId = uid('dialog-title');
  const before = document.activeElement;
  let result = null;
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: ['confirm-dialog', 'dialog', o.className], 'aria-labelledby': titleId });
    const close = (value = null) => { result = value; if (dialog.open) dialog.close(); };
    mount(dialog, h('h2', { class: 'confirm-dialog__title', id: titleId }, o.title), o.build(close, titleId));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (before && typeof before.focus === 'function' && document.contains(before)) before.focus();
      resolve(result);
    }, { once: true });
    document.body.appendChild(dialog);
    dialog.showModal();
    const first = dialog.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}

/**
 * A form in a modal window, sent from inside it: submit(values) runs the
 * request; its result closes the window and is what the promise resolves
 * with (null when cancelled). An ApiError with fields puts the reasons beside
 * the fields and keeps the window open.
 * @param {object} o
 * @param {string} o.title
 * @param {string} [o.text]
 * @param {object[]} o.fields          field definitions as for createForm
 * @param {string} [o.confirmLabel]
 * @param {string} [o.cancelLabel]
 * @param {boolean} [o.danger]         the confirm button in red
 * @param {string} [o.className]
 * @param {(values: object) => Promise<any>} o.submit
 */
export function formDialog(o) {
  return openDialog({
    title: o.title,
    className: ['form-dialog', o.className],
    build(close) {
      const form = createForm({ fields: o.fields }, { idPrefix: uid('dialog-form') });
      const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
      const confirm = h('button', { type: 'submit', class: `btn ${o.danger ? 'btn--danger' : 'btn--primary'} confirm-dialog__confirm` },
        o.confirmLabel || 'Отправить');
      const cancel = h('button', { type: 'button', class: 'btn btn--secondary confirm-dialog__cancel', onClick: () => close(null) },
        o.cancelLabel || 'Отмена');
      const onSubmit = submitter({
        button: confirm,
        form,
        status,
        send: () => o.submit(form.values()),
        done: (answer) => close(answer === undefined ? true : answer),
        failed(err) {
          // The reasons beside the fields; the message only when some reason has no field of its own.
          const rest = err instanceof ApiError ? form.setErrors(err.fields, 'server') : {};
          const other = Object.values(rest);
          if (!form.focusFirstError() || other.length) {
            mount(status, notice('error', h('strong', null, (err && err.message) || 'Не удалось выполнить действие.'),
              other.length ? h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, String(m)))) : null));
          }
          return true;
        },
      });
      return h('form', { class: 'dialog-form', novalidate: true, onSubmit },
        o.text ? h('p', { class: 'confirm-dialog__text' }, o.text) : null,
        form.element,
        status,
        h('div', { class: 'confirm-dialog__actions' }, confirm, cancel));
    },
  });
}
