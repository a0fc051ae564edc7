// Personal accounts and contracts: how the consumer gets to their metering
// points (needs a session). What is offered depends on GET access → ways:
//   account_number  add a personal account by its number, remove it («×», with a confirmation) — ВОЭК, ВГЭС
//   ogrn_contract   «Проверить ОГРН», then the number of any contract: all contracts of the organisation — ВОЭК
//   supplier_login  contracts of the supplier, renamed here — ОЭС 360
//   operator_grant  the utility gives access; the page says whom to contact — КЭС, СИГМА
// API:
//   GET access → {ways, accounts: [{id, number, address, holder_name}],
//                 contracts: [{id, number, title, consumer_name, kind, valid_from, valid_to, legal_address, actual_address}], points: N}
//   POST access/accounts {number} → 201 {message, account}; 404 account_not_found; 409 already added
//   DELETE access/accounts/<id> → 204
//   POST access/ogrn {} → {found: true}; 404 ogrn_not_found
//   POST access/ogrn/confirm {contract_number} → {contracts}; 422 {fields: {contract_number}}
//   PATCH access/contracts/<id> {title} → 200
//   POST access/supplier {supplier, title, login, password} → 201 {contracts, message}; 422 {fields}: wrong credentials;
//     503/502: the supplier is unavailable
//   GET notifications?unread=1 (and GET points when unread ones name points): contracts with unread
//     notifications about them or their points are marked

import { api, ApiError, getDictionary } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { confirmDialog } from '../widgets/dialog.js';
import { h, mount, notice, plural } from '../core/ui.js';
import { formatIsoDate, DASH } from '../core/format.js';
import { CONTRACT_KINDS, contractName } from '../core/meters.js';
import { tenantWays, operatorHelp } from '../core/access-ways.js';
import { sendForm } from '../widgets/submit.js';
import { contractUnread, unreadRefs } from '../core/notifications.js';
import { markedName } from '../widgets/notifications.js';

export const title = 'Лицевые счета и договоры';

function renamable(tenant, ways) {
  const s = tenant.settings && tenant.settings.contracts;
  return Boolean((s && s.renamable) || ways.includes('supplier_login'));
}

export async function render(ctx) {
  const body = h('div', { class: 'access' });
  const page = h('section', { class: 'page page--access' },
    h('h1', { class: 'page__title' }, 'Лицевые счета и договоры'),
    body);
  let data;

  async function reload() {
    data = await api.get('access', { signal: ctx.signal });
    data.accounts = Array.isArray(data.accounts) ? data.accounts : [];
    data.contracts = Array.isArray(data.contracts) ? data.contracts : [];
    data.ways = Array.isArray(data.ways) ? data.ways : tenantWays(ctx.tenant, ctx.user);
  }

  await reload();

  // Contracts with unread notifications (about them or one of their points) are marked; without the marks
  // when they cannot be had.
  let marks = null;
  let markPoints = [];
  try {
    marks = await unreadRefs({ signal: ctx.signal });
    if (marks.points.size && data.contracts.length) {
      const answer = await api.get('points', { signal: ctx.signal });
      markPoints = Array.isArray(answer && answer.points) ? answer.points : [];
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    marks = null;
  }

  /** Handles an error of an action: shown in status unless the page was left (a session that ended, core/api.js). */
  function actionFailed(err, status) {
    if (ctx.signal.aborted) return;
    mount(status, notice('error', h('strong', null, err.message || 'Не удалось выполнить действие. Повторите попытку.')));
  }

  /** Draws everything again; flash: {kind, text, className} shown at the top and focused. */
  function draw(flash = null) {
    const ways = data.ways;
    const status = h('div', { class: 'form-status access-status', 'aria-live': 'polite' });
    if (flash) {
      mount(status, notice(flash.kind, h('strong', { class: flash.className || null, tabindex: '-1' }, flash.text)));
    }
    const sections = [];
    if (ways.includes('account_number')) sections.push(accountsSection(status));
    if (ways.includes('ogrn_contract')) sections.push(ogrnSection(status));
    if (ways.includes('supplier_login')) sections.push(supplierSection(status));
    if (ways.includes('operator_grant')) {
      sections.push(h('section', { class: 'card access-section access-operator', 'aria-labelledby': 'access-operator-title' },
        h('h2', { class: 'section-title', id: 'access-operator-title' }, 'Доступ к приборам учёта'),
        h('p', { class: 'access-operator__help' }, operatorHelp(ctx.tenant)),
        h('p', { class: 'muted' }, 'Добавить лицевой счёт или договор самостоятельно нельзя: после обращения сетевая организация '
          + 'откроет доступ, и точки учёта появятся в личном кабинете.')));
    }
    if (data.contracts.length || ways.includes('ogrn_contract') || ways.includes('supplier_login')) {
      sections.push(contractsSection(status, renamable(ctx.tenant, ways)));
    }
    if (!ways.length) {
      sections.push(notice('info', 'Сетевая организация не подключила способы доступа к приборам учёта через личный кабинет.'));
    }
    const n = Number(data.points) || 0;
    mount(body,
      status,
      sections,
      h('p', { class: 'access-points' },
        n ? `Вам ${plural(n, ['доступна', 'доступны', 'доступно'])} ${n} ${plural(n, ['точка учёта', 'точки учёта', 'точек учёта'])}. ` : 'Доступных точек учёта пока нет. ',
        n ? h('a', { href: ctx.router.href('points') }, 'Перейти к точкам учёта') : null),
    );
    const focus = status.querySelector('[tabindex="-1"]');
    if (focus) focus.focus();
  }

  // -------------------------------------------------------------------------
  // Personal accounts

  function accountsSection(status) {
    const addHost = h('div', { class: 'account-add' });
    const toggle = h('button', {
      type: 'button',
      class: 'btn btn--secondary account-add__toggle',
      'aria-expanded': 'false',
      onClick: () => { showAddForm(true); },
    }, '+ Добавить лицевой счёт');

    function showAddForm(focus) {
      toggle.hidden = true;
      toggle.setAttribute('aria-expanded', 'true');
      const form = createForm({
        fields: [{
          name: 'number', label: 'Номер лицевого счёта', type: 'text', required: true, max_length: 32,
          hint: 'Номер лицевого счёта указывается сбытовой организацией в квитанции на оплату электрической энергии',
        }],
      }, { idPrefix: 'account' });
      const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Добавить');
      const cancel = data.accounts.length
        ? h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => { addHost.replaceChildren(); toggle.hidden = false; toggle.setAttribute('aria-expanded', 'false'); toggle.focus(); } }, 'Отмена')
        : null;
      async function onSubmit(e) {
        e.preventDefault();
        if (submit.disabled) return;
        status.replaceChildren();
        if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
        const number = form.values().number;
        await sendForm({
          button: submit,
          signal: ctx.signal,
          busyText: 'Проверка…',
          send: async () => {
            const answer = await api.post('access/accounts', { number }, { signal: ctx.signal });
            await reload();
            draw({ kind: 'success', className: 'account-added', text: (answer && answer.message) || 'Номер лицевого счета успешно добавлен' });
          },
          failed(err) {
            if (err instanceof ApiError && [404, 409, 422].includes(err.status)) {
              const rest = form.setErrors(err.fields, 'server');
              if (!err.fields.number) form.setError('number', err.message || 'Лицевой счёт не найден', 'server');
              const other = Object.values(rest);
              if (other.length) mount(status, notice('error', h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, String(m))))));
              form.focusFirstError();
            } else {
              actionFailed(err, status);
            }
            return true;
          },
        });
      }
      mount(addHost, h('form', { class: 'account-add-form inline-form', novalidate: true, 'aria-label': 'Добавление лицевого счёта', onSubmit },
        form.element,
        h('div', { class: 'form-actions' }, submit, cancel)));
      if (focus) form.field('number').control.focus();
    }

    async function remove(account, button) {
      const ok = await confirmDialog({
        title: 'Удалить лицевой счёт?',
        text: `Лицевой счёт № ${account.number} будет удалён из личного кабинета, сведения о приборах учёта по нему перестанут отображаться. `
          + 'Добавить его снова можно в любое время.',
        confirmLabel: 'Удалить',
        cancelLabel: 'Отмена',
      });
      if (!ok) return;
      button.disabled = true;
      try {
        await api.del(`access/accounts/${encodeURIComponent(account.id)}`, { signal: ctx.signal });
        await reload();
        draw({ kind: 'success', className: 'account-removed', text: `Лицевой счёт № ${account.number} удалён.` });
      } catch (err) {
        button.disabled = false;
        actionFailed(err, status);
      }
    }

    const list = data.accounts.length
      ? h('ul', { class: 'access-list account-list' },
        data.accounts.map((a) => {
          const removeButton = h('button', {
            type: 'button',
            class: 'icon-button account-remove',
            'aria-label': `Удалить лицевой счёт № ${a.number}`,
            title: 'Удалить лицевой счёт',
          }, h('span', { 'aria-hidden': 'true' }, '×'));
          removeButton.addEventListener('click', () => remove(a, removeButton));
          return h('li', { class: 'access-item account-item', dataset: { account: a.number, id: a.id } },
            h('div', { class: 'access-item__main' },
              h('p', { class: 'access-item__title' }, 'Лицевой счёт № ', h('span', { class: 'account-item__number' }, a.number)),
              a.address ? h('p', { class: 'access-item__line' }, a.address) : null,
              a.holder_name ? h('p', { class: 'access-item__line muted' }, a.holder_name) : null),
            removeButton);
        }))
      : h('p', { class: 'muted access-empty' }, 'Лицевые счета ещё не добавлены.');

    const section = h('section', { class: 'card access-section access-accounts', 'aria-labelledby': 'access-accounts-title' },
      h('h2', { class: 'section-title', id: 'access-accounts-title' }, 'Лицевые счета'),
      h('p', { class: 'muted' }, 'Добавьте лицевой счёт, чтобы видеть сведения о приборах учёта, привязанных к нему.'),
      list,
      data.accounts.length ? toggle : null,
      addHost);
    if (!data.accounts.length) showAddForm(false);
    return section;
  }

  // -------------------------------------------------------------------------
  // «Добавить договор» (ОЭС 360): the supplier, the contract's name, the supplier's login and password

  function supplierSection(status) {
    const host = h('div', { class: 'supplier-add' });
    const toggle = h('button', {
      type: 'button',
      class: 'btn btn--primary supplier-add__toggle',
      'aria-expanded': 'false',
      onClick: () => { showForm(); },
    }, 'Добавить договор');

    function close() {
      host.replaceChildren();
      toggle.hidden = false;
      toggle.setAttribute('aria-expanded', 'false');
      toggle.focus();
    }

    function showForm() {
      toggle.hidden = true;
      toggle.setAttribute('aria-expanded', 'true');
      const form = createForm({
        fields: [
          { name: 'supplier', label: 'Поставщик', type: 'select', required: true, dictionary: 'suppliers', placeholder: '-Выберите поставщика-' },
          { name: 'title', label: 'Название', type: 'text', required: true, max_length: 200, hint: 'Будет отображаться в списке договоров' },
          { name: 'login', label: 'Логин', type: 'text', required: true, max_length: 200, hint: 'Логин, полученный от поставщика' },
          { name: 'password', label: 'Пароль', type: 'password', required: true, max_length: 200,
            hint: 'Пароль, полученный от поставщика; он нужен один раз и не сохраняется' },
        ],
      }, { idPrefix: 'supplier', loadDictionary: getDictionary });
      const submit = h('button', { type: 'submit', class: 'btn btn--primary supplier-add__submit' }, 'Добавить');
      const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: close }, 'Отмена');
      const formStatus = h('div', { class: 'form-status supplier-add__status', 'aria-live': 'polite' });
      async function onSubmit(e) {
        e.preventDefault();
        if (submit.disabled) return;
        status.replaceChildren();
        formStatus.replaceChildren();
        if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
        const v = form.values();
        await sendForm({
          button: submit,
          signal: ctx.signal,
          busyText: 'Проверка у поставщика…',
          send: async () => {
            const answer = await api.post('access/supplier', { supplier: v.supplier, title: v.title, login: v.login, password: v.password },
              { signal: ctx.signal });
            await reload();
            draw({ kind: 'success', className: 'supplier-added', text: (answer && answer.message) || 'Договор добавлен' });
          },
          failed(err) {
            if (err instanceof ApiError && err.status === 422) {
              const rest = form.setErrors(err.fields, 'server');
              const other = Object.values(rest);
              if (other.length) mount(formStatus, notice('error', h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, String(m))))));
              form.focusFirstError();
            } else if (err instanceof ApiError && (err.status === 503 || err.status === 502)) {
              mount(formStatus, notice('error', h('strong', { class: 'supplier-unavailable', tabindex: '-1' },
                err.message || 'Поставщик сейчас недоступен; попробуйте позже')));
            } else {
              actionFailed(err, formStatus);
            }
            return true;
          },
        });
      }
      mount(host, h('form', { class: 'supplier-add-form', novalidate: true, 'aria-label': 'Добавить договор', onSubmit },
        h('h3', { class: 'supplier-add__title' }, 'Добавить договор'),
        form.element,
        formStatus,
        h('div', { class: 'form-actions' }, submit, cancel)));
      form.field('supplier').control.focus();
    }

    return h('section', { class: 'card access-section access-supplier', 'aria-labelledby': 'access-supplier-title' },
      h('h2', { class: 'section-title', id: 'access-supplier-title' }, 'Договоры с поставщиком'),
      h('p', null, 'Выберите поставщика и введите логин и пароль, полученные от него: договоры этой учётной записи появятся '
        + 'в личном кабинете вместе с балансом, начислениями и точками учёта.'),
      toggle,
      host);
  }

  // -------------------------------------------------------------------------
  // ОГРН / ОГРНИП and a contract number

  function ogrnSection(status) {
    const isIp = ctx.user && ctx.user.kind === 'sole_proprietor';
    const reg = isIp ? 'ОГРНИП' : 'ОГРН';
    const section = h('section', { class: 'card access-section access-ogrn', 'aria-labelledby': 'access-ogrn-title' },
      h('h2', { class: 'section-title', id: 'access-ogrn-title' }, isIp ? 'Данные индивидуального предпринимателя' : 'Данные организации'));
    if (data.contracts.length) {
      section.append(h('p', { class: 'access-ogrn__done' },
        `Данные подтверждены: вам доступны все договоры по ${reg} из профиля и сведения о точках учёта по ним.`));
      return section;
    }
    const host = h('div', { class: 'access-ogrn__step' });
    const check = h('button', { type: 'button', class: 'btn btn--primary ogrn-check' }, `Проверить ${reg}`);
    check.addEventListener('click', async () => {
      if (check.disabled) return;
      status.replaceChildren();
      host.replaceChildren();
      await sendForm({
        button: check,
        signal: ctx.signal,
        busyText: 'Проверка…',
        send: async () => {
          await api.post('access/ogrn', {}, { signal: ctx.signal });
          check.hidden = true;
          showConfirm();
        },
        failed(err) {
          mount(host, notice('error', h('strong', { class: 'ogrn-not-found' }, err.message || `${reg} не найден в базе данных сетевой организации.`)));
          return true;
        },
      });
    });

    function showConfirm() {
      const form = createForm({
        fields: [{
          name: 'contract_number', label: 'Номер договора', type: 'text', required: true, max_length: 64,
          hint: 'Номер любого договора электроснабжения или купли-продажи электрической энергии со сбытовой организацией',
        }],
      }, { idPrefix: 'ogrn-confirm' });
      const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Подтвердить');
      async function onSubmit(e) {
        e.preventDefault();
        if (submit.disabled) return;
        status.replaceChildren();
        if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
        await sendForm({
          button: submit,
          signal: ctx.signal,
          busyText: 'Проверка…',
          send: async () => {
            await api.post('access/ogrn/confirm', { contract_number: form.values().contract_number }, { signal: ctx.signal });
            await reload();
            draw({ kind: 'success', className: 'ogrn-confirmed', text: 'Данные подтверждены: вам доступны все договоры и точки учёта по ним.' });
          },
          failed(err) {
            if (err instanceof ApiError && (err.status === 422 || err.status === 404)) {
              form.setErrors(err.fields, 'server');
              if (!err.fields.contract_number) form.setError('contract_number', err.message || 'Договор не найден', 'server');
              form.focusFirstError();
            } else {
              actionFailed(err, status);
            }
            return true;
          },
        });
      }
      mount(host,
        notice('success', `${reg} найден в базе данных сетевой организации. Подтвердите данные номером договора.`),
        h('form', { class: 'contract-confirm-form inline-form', novalidate: true, 'aria-label': 'Подтверждение номером договора', onSubmit },
          form.element,
          h('div', { class: 'form-actions' }, submit)));
      form.field('contract_number').control.focus();
    }

    section.append(
      h('p', null, `Сведения о приборах учёта доступны после проверки: ${reg} из вашего профиля ищется в базе данных сетевой организации, `
        + 'затем данные подтверждаются номером любого договора. После подтверждения будут видны все договоры и точки учёта по ним.'),
      check,
      host);
    return section;
  }

  // -------------------------------------------------------------------------
  // Contracts

  function contractsSection(status, canRename) {
    const section = h('section', { class: 'card access-section access-contracts', 'aria-labelledby': 'access-contracts-title' },
      h('h2', { class: 'section-title', id: 'access-contracts-title' }, 'Договоры'));
    if (!data.contracts.length) {
      section.append(h('p', { class: 'muted access-empty' }, 'Договоров пока нет.'));
      return section;
    }
    section.append(h('ul', { class: 'access-list contract-list' }, data.contracts.map((c) => contractItem(c, status, canRename))));
    return section;
  }

  function contractItem(c, status, canRename) {
    const unread = contractUnread(marks, c, markPoints);
    const li = h('li', { class: 'access-item contract-item', dataset: { contract: c.number, id: c.id, unread: unread ? 'true' : null } });
    const period = c.valid_from || c.valid_to
      ? `${c.valid_from ? `с ${formatIsoDate(c.valid_from)}` : ''}${c.valid_from && c.valid_to ? ' ' : ''}${c.valid_to ? `по ${formatIsoDate(c.valid_to)}` : ''}`
      : 'бессрочный';
    const facts = h('dl', { class: 'contract-item__facts' },
      [['Номер договора', c.number], ['Потребитель', c.consumer_name], ['Вид договора', CONTRACT_KINDS[c.kind] || c.kind],
        ['Срок действия', period], ['Юридический адрес', c.legal_address], ['Фактический адрес', c.actual_address],
        ...(c.supplier ? [['Поставщик', c.supplier_name || c.supplier]] : [])]
        .map(([label, v]) => h('div', null, h('dt', null, label), h('dd', null, v ? String(v) : DASH))));
    const head = h('div', { class: 'contract-item__head' });

    function showName() {
      const rename = canRename
        ? h('button', { type: 'button', class: 'btn btn--ghost btn--small contract-rename', 'aria-label': `Редактировать название: ${contractName(c)}` }, 'Редактировать')
        : null;
      if (rename) rename.addEventListener('click', showRename);
      mount(head, h('h3', { class: 'access-item__title contract-item__title' }, markedName(ctx, contractName(c), unread)), rename);
      return rename;
    }

    function showRename() {
      status.replaceChildren();
      const form = createForm({
        fields: [{ name: 'title', label: 'Название договора', type: 'text', required: true, max_length: 100,
          hint: 'Будет отображаться в списке договоров' }],
      }, { idPrefix: `contract-${String(c.id).replace(/[^A-Za-z0-9_-]/g, '_')}`, values: { title: c.title && c.title !== c.number ? c.title : '' } });
      const save = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Сохранить');
      const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => { const b = showName(); if (b) b.focus(); } }, 'Отмена');
      async function onSubmit(e) {
        e.preventDefault();
        if (save.disabled) return;
        if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
        const titleValue = form.values().title;
        await sendForm({
          button: save,
          signal: ctx.signal,
          busyText: 'Сохранение…',
          send: async () => {
            const answer = await api.patch(`access/contracts/${encodeURIComponent(c.id)}`, { title: titleValue }, { signal: ctx.signal });
            const saved = (answer && answer.contract) || answer;
            c.title = saved && typeof saved.title === 'string' ? saved.title : titleValue;
            const b = showName();
            mount(status, notice('success', h('strong', { class: 'contract-renamed' }, 'Название договора сохранено.')));
            if (b) b.focus();
          },
          failed(err) {
            if (err instanceof ApiError && Object.keys(err.fields).length) {
              form.setErrors(err.fields, 'server');
              form.focusFirstError();
            } else {
              actionFailed(err, status);
            }
            return true;
          },
        });
      }
      mount(head, h('form', { class: 'contract-rename-form inline-form', novalidate: true, 'aria-label': `Название договора № ${c.number}`, onSubmit },
        form.element,
        h('div', { class: 'form-actions' }, save, cancel)));
      form.field('title').control.focus();
    }

    showName();
    li.append(head, facts);
    return li;
  }

  draw();
  return page;
}
