--- Applications for technological connection of АО «ВОЭК» (seed 002, «IV.
-- Новая заявка»; «Заявки (исполняемые; выполненные)»; «Опрос потребителя»).
--
-- The typical workflow and form of kabinet.cases.techconnect, the ВОЭК way:
-- the applicant fills in the template, prints it («Распечатать заявление»),
-- signs it and attaches the signed scan (the required document
-- `signed_application`), then the documents of the list. Under п.12(1)
-- individuals may apply for up to 150 kW as legal entities do (seed 002: «Юридическим,
-- физическим лицами или индивидуальным предпринимателем … до 150 кВт»);
-- connection at up to 10 kV only (the voltage classes offered). On
-- completion the applicant is invited to the service-quality survey.
-- Numbering and the personal accounts of new connections start at 1 and
-- 500001 (assumptions: the seed shows none).

local C = require("kabinet.cases")

local PRINT = {
  title = "Заявка на технологическое присоединение энергопринимающих устройств к электрическим сетям АО «ВОЭК»",
  intro = "Прошу осуществить технологическое присоединение энергопринимающих устройств, указанных в заявке, "
    .. "в соответствии с Правилами технологического присоединения (постановление Правительства Российской Федерации "
    .. "от 27.12.2004 № 861).",
  sign_lines = { "Заявитель (подпись, расшифровка подписи)", "Дата" },
}

-- Terms in working days (kabinet.cases.techconnect says where each comes
-- from): payment 5 / 15 under 44-ФЗ or 275-ФЗ are facts (REGULATION.md §A2);
-- 3 days to ask for missing data, 20 to supply it and 10 to place the
-- contract terms, ТУ and invoice are assumptions (PROTOCOLS.md §8 [M];
-- REGULATION.md "Not found").
local TERMS = { notice = 3, offer = 10, missing = 20, payment = 5, payment_procurement = 15 }

local function application(id, applicant, label, services)
  return C.techconnect {
    terms = TERMS,
    id = id, applicant = applicant, label = label, group = "techconnect", register = "techconnect",
    service_kinds = services, print = PRINT, survey = "survey",
  }
end

-- A new declaration each call (a test may change the tables it gets).
return function()
local M = {}

M.groups = {
  { id = "techconnect", label = "Заявки", file_label = "Новая заявка", list_label = "Заявки",
    kind_label = "Заявитель", kind_placeholder = "-Выберите заявителя-" },
}

M.registers = { techconnect = { start = 1 }, tc_accounts = { start = 500001 } }

M.kinds = {
  application("tc_person", "person", "Заявка на технологическое присоединение (физическое лицо)",
    { "individual_15", "person_150", "temporary_150", "point_change_15" }),
  application("tc_business", "business", "Заявка на технологическое присоединение (юридическое лицо, ИП)"),
}

return M
end
