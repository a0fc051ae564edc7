-- Russian Federation, 2026: the days that differ from "Saturday and Sunday off" (Government decree on the
-- transfer of days off in 2026). Facts taken from the xmlcalendar/data repository, ru/2026/calendar.xml
-- (file dated 2025.09.30). off: the holidays and moved days off (those on a Saturday or Sunday change
-- nothing, listed as published); work: working Saturdays and Sundays (none this year); short: shortened
-- pre-holiday working days.
return {
  off = {
    "01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08", -- New Year holidays, Christmas
    "01-09",                                              -- moved from Saturday 3 January
    "02-23",
    "03-08", "03-09",                                     -- 9 March moved from Sunday 8 March
    "05-01", "05-09", "05-11",                            -- 11 May moved from Saturday 9 May
    "06-12",
    "11-04",
    "12-31",                                              -- moved from Sunday 4 January
  },
  work = {},
  short = { "04-30", "05-08", "06-11", "11-03" },
}
