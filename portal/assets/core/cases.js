// Cases (appeals, service applications, feedback, surveys) without DOM: the tenant's case groups (GET tenant →
// case_groups), the menu entries and routes they give, the calls of the cases API and the words of its answers.

import { api } from './api.js';
import { plural } from './ui.js';

/** The tenant's case groups, in order ([] when it has none). */
export function caseGroups(tenant) {
  return tenant && Array.isArray(tenant.case_groups) ? tenant.case_groups.filter((g) => g && g.id) : [];
}

/** The group a case of group `id` is listed under (its `list`, else itself). */
export function listGroupOf(tenant, id) {
  const g = caseGroups(tenant).find((x) => x.id === id);
  return (g && g.list) || id;
}

/** The route of the filing page of a group, of the list page of a list group, of a case. */
export const fileRoute = (groupId) => `cases/new/${encodeURIComponent(groupId)}`;
export const listRoute = (groupId) => `cases?group=${encodeURIComponent(groupId)}`;
export const caseRoute = (id) => `cases/${encodeURIComponent(id)}`;
export const operatorCaseRoute = (id) => `operator/cases/${encodeURIComponent(id)}`;

/** The name of a group's filing page («Обращение», «Заявка на дополнительную услугу»). */
export const fileLabel = (g) => g.file_label || g.label || 'Новое обращение';
/** The name of a list group's page («Информация по обращениям», «Обращения»). */
export const listLabel = (g) => g.list_label || g.label || 'Обращения';

/**
 * The consumer's menu entries of the tenant's cases, in the order of the groups: first the filing pages of the
 * groups whose list page has a name of its own (`list_label` other than `label`: ВГЭС «Обращение» and
 * «Информация по обращениям») and of the groups listed elsewhere, then the list pages; a group listed under
 * itself without such a name is one entry (its `label`, ОЭС 360 «Обращения») leading to its list, where the
 * filing button is. [{path, label, group}].
 */
export function caseMenu(tenant) {
  const groups = caseGroups(tenant);
  const files = [];
  const lists = [];
  for (const g of groups) {
    const ownList = (g.list || g.id) === g.id;
    if (ownList && (!g.list_label || g.list_label === g.label)) { lists.push({ path: listRoute(g.id), label: g.label || listLabel(g), group: g.id }); continue; }
    files.push({ path: fileRoute(g.id), label: fileLabel(g), group: g.id });
    if (ownList) lists.push({ path: listRoute(g.id), label: listLabel(g), group: g.id });
  }
  return [...files, ...lists];
}

/** «Заявка № 7874» / «№ ДУ-12»: the number as people read it. */
export function numberText(c) {
  const n = c && (c.number_text || c.number);
  return n ? `№ ${n}` : '';
}

/** The words of a count of cases: «3 обращения». */
export function casesCount(n) {
  return `${n} ${plural(n, ['обращение', 'обращения', 'обращений'])}`;
}

/** Who acted, as people read it. */
export function actorText(actor) {
  if (!actor) return '';
  if (actor.role === 'timer' || actor.role === 'system') return 'Автоматически';
  if (actor.name) return actor.name;
  return actor.role === 'operator' ? 'Сотрудник сетевой организации' : 'Заявитель';
}

/** «1,2 МБ», «350 КБ», «12 байт». */
export function sizeText(bytes) {
  if (!(bytes >= 0)) return '';
  if (bytes >= 1024 * 1024) {
    const mb = bytes / (1024 * 1024);
    return `${(Math.round(mb * 10) / 10).toString().replace('.', ',')} МБ`;
  }
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} КБ`;
  return `${bytes} ${plural(bytes, ['байт', 'байта', 'байт'])}`;
}

const TYPE_NAMES = { pdf: 'PDF', jpeg: 'JPEG', jpg: 'JPEG', png: 'PNG', doc: 'DOC', docx: 'DOCX', xls: 'XLS', xlsx: 'XLSX', odt: 'ODT', txt: 'TXT', zip: 'ZIP' };
const TYPE_EXTENSIONS = { jpeg: ['jpg', 'jpeg'], txt: ['txt'] };

/** «PDF, JPEG или PNG». */
export function typesText(types) {
  const names = [...new Set((types || []).map((t) => TYPE_NAMES[t] || String(t).toUpperCase()))];
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} или ${names[names.length - 1]}`;
}

/** The `accept` attribute of a file input for these types. */
export function acceptOf(types) {
  return (types || []).flatMap((t) => (TYPE_EXTENSIONS[t] || [t]).map((e) => `.${e}`)).join(',');
}

/** The limits of a document type as a sentence: «PDF, JPEG или PNG, до 10 МБ, не больше 3 файлов». */
export function limitsText(doc) {
  const parts = [];
  if (doc.types && doc.types.length) parts.push(typesText(doc.types));
  if (doc.max_bytes > 0) parts.push(`до ${sizeText(doc.max_bytes)}`);
  if (doc.max_count > 1) parts.push(`не больше ${doc.max_count} ${plural(doc.max_count, ['файла', 'файлов', 'файлов'])}`);
  return parts.join(', ');
}

/** The reason a file is refused before it is sent (by its name and size), or null. */
export function fileProblem(doc, file) {
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  const allowed = (doc.types || []).flatMap((t) => TYPE_EXTENSIONS[t] || [t]);
  if (allowed.length && !allowed.includes(ext)) return `Файл «${file.name}» — не ${typesText(doc.types)}`;
  if (doc.max_bytes > 0 && file.size > doc.max_bytes) return `Файл «${file.name}» больше ${sizeText(doc.max_bytes)}`;
  return null;
}

/**
 * A body of a case request: JSON when no file goes with it, else multipart/form-data with `fields` as JSON text
 * and one part `doc.<type>` per file (contract §5).
 * @param {object} plain    the members sent as they are (kind, comment, text …)
 * @param {object} [fields] the form's values (sent as `fields`)
 * @param {{type: string, file: File}[]} [files]
 */
export function caseBody(plain, fields, files = []) {
  if (!files.length) return fields === undefined ? plain : { ...plain, fields };
  const data = new FormData();
  for (const [k, v] of Object.entries(plain)) if (v !== undefined && v !== null) data.append(k, String(v));
  if (fields !== undefined) data.append('fields', JSON.stringify(fields));
  for (const f of files) data.append(`doc.${f.type}`, f.file, f.file.name);
  return data;
}

/** GET case-kinds: {groups, kinds} this person may file. */
export function caseKinds({ offer = null, signal } = {}) {
  return api.get(offer ? `case-kinds?offer=${encodeURIComponent(offer)}` : 'case-kinds', { signal });
}

/** The address of a case's document (a link the browser follows with the session cookie). */
export function documentPath(caseId, docId) {
  return `cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(docId)}`;
}

/** Whether a kind is printed from its filled form before filing (its `print` declaration, or the signed application it requires). */
export function kindPrintable(kind) {
  return Boolean(kind && (kind.print || (Array.isArray(kind.documents) && kind.documents.some((d) => d.id === 'signed_application'))));
}

/** POST case-kinds/{kind}/print: the PDF (a Blob) of the filled form; a 422 names the fields like filing. */
export function printKind(kindId, fields, { signal } = {}) {
  return api.post(`case-kinds/${encodeURIComponent(kindId)}/print`, { fields }, { signal, binary: true });
}
