--- «Обратная связь» and «Опрос потребителя» of АО «ВОЭК» (seed 002, III:
-- «возможность написать сообщение в Сетевую организацию»; «опрос потребителя
-- о качестве обслуживания при осуществлении технологического присоединения»).
--
-- Feedback is a message the company answers. The survey's questions are
-- declared here: ratings from 1 to 5 and a free comment; the answers are
-- aggregated per question for staff. The menu offers the survey directly
-- (offered_only = false); a tech-connection kind invites the applicant when
-- its application completes with C.offer_survey("survey") as a hook.

local F = require("kabinet.fields")
local C = require("kabinet.cases")

-- A new declaration each call (a test may change the tables it gets).
return function()
local M = {}

M.groups = {
  { id = "feedback", label = "Обратная связь", file_label = "Обратная связь", list_label = "Мои сообщения",
    kind_label = "Вид сообщения", kind_placeholder = "-Выберите вид сообщения-" },
  { id = "survey", label = "Опрос потребителя", file_label = "Опрос потребителя", list_label = "Мои ответы на опрос",
    kind_label = "Опрос", kind_placeholder = "-Выберите опрос-" },
}

M.kinds = {
  C.feedback { id = "feedback", label = "Сообщение в сетевую организацию", group = "feedback", text_max = 2000 },
  C.survey {
    id = "survey", label = "Опрос о качестве обслуживания при технологическом присоединении", group = "survey",
    offered_only = false,
    fields = {
      C.rating { name = "information", label = "Насколько понятно вам разъяснили порядок технологического присоединения?" },
      C.rating { name = "terms", label = "Как вы оцениваете соблюдение сроков технологического присоединения?" },
      C.rating { name = "staff", label = "Как вы оцениваете вежливость и компетентность сотрудников?" },
      C.rating { name = "cabinet", label = "Насколько удобно подавать заявку и получать документы в личном кабинете?" },
      C.rating { name = "overall", label = "Общая оценка качества обслуживания" },
      F.textarea { name = "comment", label = "Комментарий, пожелания", required = false, max_length = 1000 },
    },
    summary_field = "comment",
  },
}

return M
end
