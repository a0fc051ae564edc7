--- Applications for technological connection of АО «ВГЭС» (seed 003,
-- «Подача заявки на технологическое присоединение» with Рис. 12, «Просмотр
-- информации по технологическим присоединениям» with Рис. 13.1–13.3 and 16).
--
-- The typical workflow and form of kabinet.cases.techconnect: an individual's
-- form (passport from the profile) and a legal entity's / sole proprietor's
-- (ЕГРЮЛ / ЕГРИП record from the profile), each offered only to its
-- applicants. The menu files «Заявка на технологическое присоединение» and
-- lists «Информация по заявкам на технологическое присоединение» with the
-- columns of Рис. 13.1; the seed's status of a late application is
-- «Аннулирована», its missing-documents state «Ожидание недостающих
-- документов», its connection state «Фактические действия по присоединению».
--
-- Power: Рис. 12 labels the requested power «не более 150 кВт», and the list
-- of service kinds gives individuals up to 15 kW; the seed's older note «до
-- 10 кВт включительно по одному источнику» is PP 861's earlier wording, so the
-- limit checked is 15 kW (п.14), said in the hint. Numbering goes on after the
-- seed's latest sample number 465 (Рис. 13.1); personal accounts of new
-- connections are numbered from 100001 (an assumption: the seed shows none).

local C = require("kabinet.cases")

local POWER_HINT = "Не более 150 кВт; для физических лиц (бытовые нужды, один источник, III категория) — "
  .. "до 15 кВт включительно с учётом ранее присоединённой мощности"

-- The choices of Рис. 12 from the tenant's dictionaries (tenant.lua).
local DICTIONARIES = { application_type = "tc_application_types", contract_kind = "tc_contract_kinds",
  supplier = "retail_suppliers", object_type = "tc_object_types", voltage = "tc_voltage_classes",
  reliability = "tc_reliability_categories" }

-- Terms in working days (kabinet.cases.techconnect says where each comes
-- from): payment 5 / 15 under 44-ФЗ or 275-ФЗ are facts (REGULATION.md §A2);
-- 3 days to ask for missing data, 20 to supply it and 10 to place the
-- contract terms, ТУ and invoice are assumptions (PROTOCOLS.md §8 [M];
-- REGULATION.md "Not found").
local TERMS = { notice = 3, offer = 10, missing = 20, payment = 5, payment_procurement = 15 }

local function application(id, applicant, label)
  return C.techconnect {
    terms = TERMS,
    id = id, applicant = applicant, label = label, group = "techconnect", register = "techconnect",
    dictionaries = DICTIONARIES, power_hint = POWER_HINT, address_hint = "Воронеж, улица, номер дома, офиса или квартиры",
  }
end

-- A new declaration each call (a test may change the tables it gets).
return function()
local M = {}

M.groups = {
  { id = "techconnect", label = "Технологическое присоединение", file_label = "Заявка на технологическое присоединение",
    list_label = "Информация по заявкам на технологическое присоединение", kind_label = "Заявитель",
    kind_placeholder = "-Выберите заявителя-" },
}

M.registers = { techconnect = { start = 466 }, tc_accounts = { start = 100001 } }

M.kinds = {
  application("tc_person", "person", "Заявка на технологическое присоединение (физическое лицо)"),
  application("tc_business", "business", "Заявка на технологическое присоединение (юридическое лицо, ИП)"),
}

return M
end
