// «Сотрудники» of the administrator's console: the tenant's operators and administrators with their role,
// second factor and state; «Добавить сотрудника» (a dialog), «Отключить» / «Включить» and «Сбросить
// подтверждение входа» after a confirmation. One's own account has no actions (the profile is for that).
//   GET operators → {operators: [{id, role, email, full_name, state, second_factor, created_at}]}
//   POST operators {email, full_name, password, role} → 201
//   POST operators/<id>/disable | enable, DELETE operators/<id>/second-factor → {operator}
//
// Markup: .admin-staff, button.staff-add, dialog.staff-dialog, .result[data-result="admin-staff"],
// table.staff-table with tr.staff-row[data-id][data-email][data-state="active|disabled"][data-second-factor],
// button.staff-disable / .staff-enable / .staff-reset, .staff-self, .staff-status (.staff-done).

import { api } from '../../core/api.js';
import { h, mount, notice, plural } from '../../core/ui.js';
import { formatDate } from '../../core/format.js';
import { resultArea } from '../../widgets/filters.js';
import { loader, dataTable, scrollTable } from '../../widgets/data-view.js';
import { confirmDialog, formDialog } from '../../widgets/dialog.js';
import { sendForm } from '../../widgets/submit.js';

const ROLES = { operator: 'Оператор', 'tenant-admin': 'Администратор' };
const FACTORS = { sms: 'код по SMS', totp: 'приложение-аутентификатор' };

/** The staff member's name for sentences: «Петрова Ольга (petrova@…)». */
function nameOf(m) {
  return m.full_name ? `${m.full_name} (${m.email})` : m.email;
}

export function staffSection(panel, ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const self = ctx.user && ctx.user.id;
  const result = resultArea('admin-staff');
  const status = h('div', { class: 'form-status staff-status', 'aria-live': 'polite' });
  const run = loader({ signal: ctx.signal }, result);

  const done = (text) => mount(status, notice('success', h('strong', { class: 'staff-done' }, text)));
  const load = () => run(() => api.get('operators', { signal: ctx.signal }), view);

  /** Runs an action of a row's button after the confirmation; the list is read again after it. */
  async function act(button, question, send, doneText) {
    status.replaceChildren();
    if (!(await confirmDialog(question))) return;
    const ok = await sendForm({ button, signal: ctx.signal, status, send, errorText: 'Не удалось выполнить действие. Повторите попытку.' });
    if (ok) {
      done(doneText);
      load();
    }
  }

  function actions(m) {
    if (m.id === self) return h('span', { class: 'muted staff-self' }, 'Это вы');
    const out = [];
    if (m.state === 'active') {
      const b = h('button', { type: 'button', class: 'btn btn--secondary btn--small staff-disable', 'aria-label': `Отключить: ${nameOf(m)}` }, 'Отключить');
      b.addEventListener('click', () => act(b, {
        title: 'Отключить сотрудника?',
        text: `${nameOf(m)} не сможет войти в личный кабинет; начатые им сеансы завершатся сразу. Включить учётную запись снова можно в любое время.`,
        confirmLabel: 'Отключить',
        danger: true,
      }, () => api.post(`operators/${encodeURIComponent(m.id)}/disable`, {}, { signal: ctx.signal }),
      `Учётная запись отключена: ${nameOf(m)}.`));
      out.push(b);
    } else {
      const b = h('button', { type: 'button', class: 'btn btn--secondary btn--small staff-enable', 'aria-label': `Включить: ${nameOf(m)}` }, 'Включить');
      b.addEventListener('click', () => act(b, {
        title: 'Включить сотрудника?',
        text: `${nameOf(m)} снова сможет входить в личный кабинет со своим паролем.`,
        confirmLabel: 'Включить',
      }, () => api.post(`operators/${encodeURIComponent(m.id)}/enable`, {}, { signal: ctx.signal }),
      `Учётная запись включена: ${nameOf(m)}.`));
      out.push(b);
    }
    if (m.second_factor) {
      const b = h('button', { type: 'button', class: 'btn btn--secondary btn--small staff-reset', 'aria-label': `Сбросить подтверждение входа: ${nameOf(m)}` },
        'Сбросить подтверждение');
      b.addEventListener('click', () => act(b, {
        title: 'Сбросить подтверждение входа?',
        text: `${nameOf(m)} войдёт по одному паролю и настроит подтверждение входа заново; резервные коды перестанут действовать, `
          + 'начатые сеансы завершатся. Сбрасывайте, только убедившись, что просит сам сотрудник (например, потерян телефон).',
        confirmLabel: 'Сбросить',
        danger: true,
      }, () => api.del(`operators/${encodeURIComponent(m.id)}/second-factor`, { signal: ctx.signal }),
      `Подтверждение входа сброшено: ${nameOf(m)}.`));
      out.push(b);
    }
    return h('div', { class: 'row-actions' }, out);
  }

  function view(data) {
    const staff = Array.isArray(data && data.operators) ? data.operators : [];
    if (!staff.length) {
      return { state: 'empty', nodes: [notice('info', h('strong', null, 'Сотрудников пока нет.'), h('p', null, 'Добавьте первого оператора кнопкой «Добавить сотрудника».'))] };
    }
    const active = staff.filter((m) => m.state === 'active').length;
    const table = dataTable({
      caption: 'Сотрудники сетевой организации',
      className: 'staff-table',
      columns: [{ title: 'Сотрудник' }, { title: 'Роль' }, { title: 'Подтверждение входа' }, { title: 'Состояние' }, { title: 'Действия' }],
      rows: staff.map((m) => [
        h('span', null, m.full_name || m.email, h('br'), h('span', { class: 'muted' }, m.email)),
        ROLES[m.role] || 'Сотрудник',
        m.second_factor ? FACTORS[m.second_factor] || 'включено' : h('span', { class: 'muted' }, 'не включено'),
        h('span', null, m.state === 'active' ? 'Работает' : h('strong', { class: 'staff-state--disabled' }, 'Отключён'),
          m.created_at ? h('span', { class: 'muted' }, h('br'), `с ${formatDate(m.created_at, tz)}`) : null),
        actions(m),
      ]),
      rowAttrs: (_, i) => ({ class: 'staff-row', dataset: { id: staff[i].id, email: staff[i].email, state: staff[i].state, secondFactor: staff[i].second_factor || '' } }),
    });
    return { state: 'ready', nodes: [
      h('p', { class: 'staff-summary' }, `${staff.length} ${plural(staff.length, ['сотрудник', 'сотрудника', 'сотрудников'])}, `
        + `${active} ${plural(active, ['работает', 'работают', 'работают'])}.`),
      scrollTable(table, 'Сотрудники'),
    ] };
  }

  const add = h('button', { type: 'button', class: 'btn btn--primary staff-add', 'aria-haspopup': 'dialog' }, 'Добавить сотрудника');
  add.addEventListener('click', async () => {
    status.replaceChildren();
    const answer = await formDialog({
      title: 'Новый сотрудник',
      className: 'staff-dialog',
      text: 'Сотрудник входит по адресу электронной почты и паролю, который вы зададите и передадите ему. Сменить пароль он сможет в профиле.',
      fields: [
        { name: 'full_name', label: 'ФИО', type: 'text', required: true, max_length: 300 },
        { name: 'email', label: 'E-mail', type: 'email', required: true, max_length: 254 },
        { name: 'role', label: 'Роль', type: 'select', required: true,
          options: [{ value: 'operator', label: 'Оператор' }, { value: 'tenant-admin', label: 'Администратор' }],
          hint: 'Администратор управляет сотрудниками и видит журнал; оператор работает с показаниями, потребителями и обращениями.' },
        { name: 'password', label: 'Пароль', type: 'password', required: true, min_length: 10, hint: 'Не короче 10 символов' },
      ],
      confirmLabel: 'Добавить',
      submit: (v) => api.post('operators', { full_name: v.full_name, email: v.email, role: v.role, password: v.password }, { signal: ctx.signal })
        .then((a) => ({ ...a, email: v.email })),
    });
    if (!answer) return;
    done(`Учётная запись создана: ${answer.email}. Передайте сотруднику адрес и пароль.`);
    load();
  });

  mount(panel, h('div', { class: 'admin-staff' },
    h('div', { class: 'admin-section__head' },
      h('h2', { class: 'admin-section__title' }, 'Сотрудники'),
      add),
    h('p', { class: 'muted' }, 'Отключённый сотрудник не может войти, а его сеансы завершаются сразу. Каждое действие записывается в журнал.'),
    status,
    result.element));
  load();
}
