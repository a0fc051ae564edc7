// The profile page: two-factor authentication — switching it on (a code by SMS where the tenant offers it, or
// an authenticator app), the recovery codes, switching it off with the password.
//   POST  {api}/me/second-factor {method: "totp" | "sms"} → {secret, otpauth_uri} | a code by SMS
//   POST  {api}/me/second-factor/confirm {code} → {recovery_codes}
//   DELETE {api}/me/second-factor {password}

import { api, ApiError } from '../../core/api.js';
import { createForm } from '../../widgets/forms.js';
import { createCodeEntry } from '../../widgets/code-entry.js';
import { h, mount, notice } from '../../core/ui.js';
import { setSession, currentUser } from '../../core/session.js';
import { formatPhone } from '../../core/format.js';
import { totpSetupView } from '../../widgets/totp-setup.js';
import { sendForm } from '../../widgets/submit.js';

const FACTOR_NAMES = { sms: 'код из SMS', totp: 'код из приложения-аутентификатора' };

/** The «Двухфакторная аутентификация» section, showing the state of the logged-in user's second factor. */
export function secondFactorSection(ctx) {
  const tenant = ctx.tenant;
  const offersSms = tenant.second_factor === 'sms';
  const body = h('div', { class: 'second-factor', 'aria-live': 'polite' });
  const section = h('section', { class: 'card profile-section profile-second-factor', 'aria-labelledby': 'second-factor-title' },
    h('h2', { class: 'section-title', id: 'second-factor-title' }, 'Двухфакторная аутентификация'),
    body,
  );

  function factor() {
    const u = currentUser();
    return u && u.second_factor ? u.second_factor : null;
  }

  function markFactor(method) {
    const u = currentUser();
    if (u) setSession({ user: { ...u, second_factor: method } });
  }

  function failure(err, status) {
    if (ctx.signal.aborted) return;
    mount(status, notice('error', err.message || 'Не удалось выполнить действие. Повторите попытку.'));
  }

  function showOff(message) {
    const status = h('div', { class: 'form-status' });
    const start = (method) => async (e) => {
      const button = e.currentTarget;
      status.replaceChildren();
      await sendForm({
        button,
        signal: ctx.signal,
        busyText: 'Подождите…',
        send: () => api.post('me/second-factor', { method }, { signal: ctx.signal }),
        done(answer) {
          if (method === 'totp') showTotpSetup(answer || {});
          else showSmsSetup();
        },
        failed(err) {
          if (err instanceof ApiError && err.fields && err.fields.phone) {
            mount(status, notice('error', h('strong', null, err.message || 'Не удалось отправить код'), h('p', null, String(err.fields.phone))));
          } else {
            failure(err, status);
          }
          return true;
        },
      });
    };
    mount(body,
      message || null,
      h('p', { class: 'second-factor__state' }, 'Сейчас выключена: для входа достаточно логина и пароля.'),
      h('p', { class: 'muted' }, 'Включите, чтобы при входе, кроме пароля, вводить одноразовый код. Так посторонний не войдёт в личный кабинет, даже узнав пароль.'),
      status,
      h('div', { class: 'form-actions' },
        offersSms ? h('button', { type: 'button', class: 'btn btn--primary second-factor__enable-sms', onClick: start('sms') }, 'Включить вход с кодом из SMS') : null,
        h('button', { type: 'button', class: offersSms ? 'btn btn--secondary second-factor__enable-totp' : 'btn btn--primary second-factor__enable-totp', onClick: start('totp') },
          'Включить вход с кодом из приложения'),
      ),
    );
  }

  function confirmStep(method, intro, extra) {
    const entry = createCodeEntry({
      idPrefix: `second-factor-${method}`,
      label: method === 'sms' ? 'Код из SMS' : 'Код из приложения',
      hint: method === 'sms' ? 'Шесть цифр из сообщения' : 'Шесть цифр, которые показывает приложение',
      submitText: 'Включить',
      signal: ctx.signal,
      submit: (code, options) => api.post('me/second-factor/confirm', { code }, options),
      resend: method === 'sms' ? (options) => api.post('me/second-factor', { method: 'sms' }, options) : null,
      onSuccess: (answer) => {
        markFactor(method);
        showRecoveryCodes(method, Array.isArray(answer && answer.recovery_codes) ? answer.recovery_codes : []);
      },
    });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => showOff() }, 'Отмена');
    mount(body, intro, extra || null, entry.element, h('div', { class: 'form-actions' }, cancel));
    entry.focus();
  }

  function showTotpSetup(answer) {
    const [steps, block] = totpSetupView(answer);
    confirmStep('totp', steps, block);
  }

  function showSmsSetup() {
    const u = currentUser();
    const phone = u && u.phone;
    confirmStep('sms',
      h('p', null, 'Мы отправили код в SMS на номер ', phone ? h('strong', { class: 'nowrap' }, formatPhone(phone)) : 'из вашего профиля',
        '. Введите его, чтобы включить вход с кодом из SMS.'));
  }

  function showRecoveryCodes(method, codes) {
    const done = h('button', { type: 'button', class: 'btn btn--primary', onClick: () => showOn() }, 'Я сохранил коды');
    mount(body,
      notice('success', h('strong', { class: 'second-factor__enabled', tabindex: '-1' }, 'Двухфакторная аутентификация включена'),
        h('p', null, `При входе, кроме пароля, понадобится ${FACTOR_NAMES[method] || 'одноразовый код'}.`)),
      codes.length
        ? h('div', { class: 'recovery' },
          h('h3', { class: 'recovery__title' }, 'Резервные коды'),
          h('p', null, 'Каждый код можно один раз ввести вместо кода при входе — например, если телефон потерян. ',
            h('strong', null, 'Сохраните их сейчас в надёжном месте: больше они показаны не будут.')),
          h('ol', { class: 'recovery-codes' }, codes.map((c) => h('li', null, h('code', null, String(c))))))
        : null,
      h('div', { class: 'form-actions' }, done),
    );
    const title = body.querySelector('.second-factor__enabled');
    if (title) title.focus();
  }

  function showOn(message) {
    const method = factor();
    const form = createForm({
      fields: [{ name: 'password', label: 'Пароль', type: 'password', required: true, current: true,
        hint: 'Чтобы выключить двухфакторную аутентификацию, подтвердите её паролем' }],
    }, { idPrefix: 'second-factor-off' });
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Выключить');
    async function onSubmit(e) {
      e.preventDefault();
      if (submit.disabled) return;
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      await sendForm({
        button: submit,
        signal: ctx.signal,
        busyText: 'Выключение…',
        send: async () => {
          await api.del('me/second-factor', { body: { password: form.values().password }, signal: ctx.signal });
          markFactor(null);
          showOff(notice('success', 'Двухфакторная аутентификация выключена.'));
        },
        failed(err) {
          if (err instanceof ApiError && err.fields && err.fields.password) {
            form.setErrors({ password: err.fields.password });
            form.focusFirstError();
          } else if (err instanceof ApiError && err.isWrongCredentials) {
            form.setError('password', err.message || 'Неверный пароль');
            form.focusFirstError();
          } else if (err instanceof ApiError && err.status === 403 && err.code !== 'csrf_failed') {
            mount(status, notice('error', err.message || 'Для вашей учётной записи двухфакторная аутентификация обязательна.'));
          } else {
            failure(err, status);
          }
          return true;
        },
      });
    }
    mount(body,
      message || null,
      h('p', { class: 'second-factor__state' }, 'Включена: при входе, кроме пароля, нужен ',
        h('strong', null, FACTOR_NAMES[method] || 'одноразовый код'), '.'),
      h('form', { class: 'second-factor-off', novalidate: true, onSubmit },
        form.element, status, h('div', { class: 'form-actions' }, submit)),
    );
  }

  if (factor()) showOn(); else showOff();
  return section;
}
