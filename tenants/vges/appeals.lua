--- Appeals and additional-service requests of АО «ВГЭС» (seed 003,
-- «Подача обращений», «Подача заявки на дополнительные услуги», «Просмотр
-- информации по обращениям», pictures 10, 11, 14, 17).
--
-- Five kinds of appeal chosen as «Тема обращения» (picture 10), each with the
-- text of at most 1000 characters and one optional document; a request for an
-- additional service (picture 14) with the address of the power-receiving
-- devices (a street of Voronezh, house, flat), the service and the text. Both
-- share one register: the seed's sample number is 7874, so numbering goes on
-- after it. The list «Информация по обращениям» shows appeals and service
-- requests together (picture 17), so the services group lists on the appeals
-- page. The seed's status of a new appeal is «Регистрация».

local F = require("kabinet.fields")
local C = require("kabinet.cases")

local TEXT_MAX = 1000
local TEXT_LABEL = "Текст обращения (не более 1000 символов)"

-- The applicant's contacts shown above the form (picture 10), taken from the profile.
local function contacts()
  return {
    F.phone { label = "Телефон", required = false, prefill = "phone" },
    F.email { label = "Email", required = false, prefill = "email" },
  }
end

local function appeal(id, label, report_as)
  return C.appeal {
    id = id, label = label, group = "appeals", register = "appeals", report_as = report_as,
    fields = (function()
      local list = contacts()
      list[#list + 1] = C.text { max = TEXT_MAX, label = TEXT_LABEL }
      return list
    end)(),
    states = { registered = { label = "Регистрация" } },
  }
end

-- A new declaration each call (a test may change the tables it gets).
return function()
local M = {}

M.groups = {
  { id = "appeals", label = "Обращения", file_label = "Обращение", list_label = "Информация по обращениям",
    kind_label = "Тема обращения", kind_placeholder = "-Выберите вид обращения-" },
  { id = "services", label = "Дополнительные услуги", file_label = "Заявка на дополнительную услугу",
    list = "appeals" },
}

M.registers = { appeals = { start = 7875 } }

-- Labels as the seed's list of kinds writes them (picture 10).
M.kinds = {
  appeal("info", "Запрос справочной информации", "information"),
  appeal("complaint", "Жалоба", "complaint"),
  appeal("unmetered", "Сообщение о бездоговорном / безучётном потреблении электроэнергии", "information"),
  appeal("theft", "Сообщение о хищении объектов электросетевого комплекса", "information"),
  appeal("consultation", "Запрос консультации", "information"),
  C.service {
    id = "service", label = "Заявка на дополнительную услугу", group = "services", register = "appeals",
    fields = (function()
      local list = contacts()
      for _, f in ipairs {
        F.street { label = "Местонахождение ЭПУ", placeholder = "-Выберите улицу-" },
        F.text { name = "house", label = "Номер дома", max_length = 25, placeholder = "Номер дома (Максимум 25 знаков)" },
        F.text { name = "flat", label = "Номер квартиры", required = false, max_length = 25,
          placeholder = "Номер квартиры (Максимум 25 знаков)" },
        F.select { name = "service_kind", label = "Тема обращения", dictionary = "service_kinds",
          placeholder = "-Выберите вид доп. услуги-" },
        C.text { max = TEXT_MAX, label = TEXT_LABEL },
      } do list[#list + 1] = f end
      return list
    end)(),
    states = { registered = { label = "Регистрация" } },
  },
}

return M
end
