-- Russian Federation, 2025: the days that differ from "Saturday and Sunday off" (Government decree on the
-- transfer of days off in 2025). Facts taken from the xmlcalendar/data repository, ru/2025/calendar.xml
-- (file dated 2024.12.01). off: the holidays and moved days off (those on a Saturday or Sunday change
-- nothing, listed as published); work: Saturdays and Sundays that are working days; short: shortened
-- pre-holiday working days (a Saturday listed here works).
return {
  off = {
    "01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08", -- New Year holidays, Christmas
    "02-23", "03-08",                                     -- on a Sunday and a Saturday: moved, below
    "05-01", "05-02", "05-08", "05-09",                   -- 2 May moved from 4 January, 8 May from 23 February
    "06-12", "06-13",                                     -- 13 June moved from 8 March
    "11-03", "11-04",                                     -- 3 November moved from 1 November
    "12-31",                                              -- moved from 5 January
  },
  work = {},
  short = { "03-07", "04-30", "06-11", "11-01" },        -- 1 November is a working Saturday, one hour shorter
}
