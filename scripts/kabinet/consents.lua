--- kabinet.consents — ready consents for tenants' registration forms.
--
-- A consent is a table {id, title, label, version, text, required, implicit,
-- error}: `label` is the text beside the check box, `text` the full text
-- the portal shows on "показать полностью", `version` what the core records
-- with the time and address of acceptance (152-ФЗ). An `implicit` consent
-- has no check box: submitting the form is the acceptance, and it is
-- recorded all the same.

local C = {}

--- Consent to the processing of personal data under 152-ФЗ, for an operator.
-- @param spec table: operator (its name as documents write it, e.g.
--   "АО «ВОЭК»"), version, and optionally id, label, implicit, title, error
-- @return consent table
function C.personal_data(spec)
  local operator = assert(spec.operator, "consents.personal_data: operator")
  return {
    id = spec.id or "personal_data",
    title = spec.title or "Согласие на обработку персональных данных",
    label = spec.label or "Я даю согласие на обработку персональных данных",
    version = assert(spec.version, "consents.personal_data: version"),
    required = true,
    implicit = spec.implicit == true,
    error = spec.error or "Необходимо дать согласие на обработку персональных данных",
    text = table.concat({
      "В соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ ",
      "«О персональных данных» я свободно, своей волей и в своём интересе даю ",
      "согласие оператору — ", operator, " — на обработку моих персональных данных, ",
      "указанных при регистрации и в профиле личного кабинета: фамилии, имени, ",
      "отчества, адреса электронной почты, номера телефона, адреса, реквизитов ",
      "документов и иных сведений, необходимых для исполнения договоров и оказания услуг.\n",
      "Цели обработки: регистрация и идентификация в личном кабинете, исполнение ",
      "договоров, рассмотрение обращений и заявок, информирование о ходе их исполнения.\n",
      "Действия с персональными данными: сбор, запись, систематизация, накопление, ",
      "хранение, уточнение, извлечение, использование, передача (предоставление, доступ), ",
      "обезличивание, блокирование, удаление и уничтожение, с использованием средств ",
      "автоматизации и без них.\n",
      "Согласие действует до достижения целей обработки или до его отзыва. Согласие может ",
      "быть отозвано письменным заявлением, направленным оператору.",
    }),
  }
end

return C
