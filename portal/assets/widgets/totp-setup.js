// The set-up of an authenticator app, shown where the second factor by an app is switched on (the profile).

import { h } from '../core/ui.js';

/**
 * The set-up of an authenticator app from the answer of POST me/second-factor {method: "totp"}
 * ({secret, otpauth_uri, otpauth_qr}): the steps, the QR code to scan (an SVG made by the server), and the key
 * to type in by hand; the otpauth:// link itself only under «Ссылка для приложения».
 * @returns {[Node, Node]} the steps and the code block
 */
export function totpSetupView(answer) {
  const secret = String((answer && answer.secret) || '');
  const uri = String((answer && answer.otpauth_uri) || '');
  const qr = String((answer && answer.otpauth_qr) || '');
  const grouped = secret.replace(/(.{4})(?=.)/g, '$1 ');
  const steps = h('ol', { class: 'steps-list' },
    h('li', null, 'Установите на телефон приложение-аутентификатор (например, Яндекс Ключ или Google Authenticator).'),
    h('li', null, qr
      ? 'Добавьте в нём новую учётную запись: отсканируйте QR-код камерой телефона или введите ключ вручную.'
      : 'Добавьте в нём новую учётную запись и введите ключ вручную.'),
    h('li', null, 'Введите ниже шестизначный код, который покажет приложение.'));
  const block = h('div', { class: 'totp-setup' },
    qr.startsWith('data:image/svg+xml;')
      ? h('img', { class: 'totp-setup__qr', src: qr, width: 200, height: 200, alt: 'QR-код для приложения-аутентификатора' })
      : null,
    h('dl', { class: 'totp-setup__keys' },
      h('dt', null, 'Ключ'),
      h('dd', null, h('code', { class: 'totp-setup__secret', dataset: { secret } }, grouped)),
      uri ? h('dt', null, 'Ссылка для приложения') : null,
      uri ? h('dd', null, h('details', { class: 'totp-setup__link' },
        h('summary', null, 'Показать'),
        h('code', { class: 'totp-setup__uri' }, uri))) : null));
  return [steps, block];
}
