-- Russian Federation, 2027: the days that differ from "Saturday and Sunday off" (Government decree on the
-- transfer of days off in 2027). Facts taken from the xmlcalendar/data repository, ru/2027/calendar.xml
-- (file dated 2026.09.02). off: the holidays and moved days off (those on a Saturday or Sunday change
-- nothing, listed as published); work: working Saturdays and Sundays; short: shortened pre-holiday working
-- days.
return {
  off = {
    "01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08", -- New Year holidays, Christmas
    "02-22",                                              -- moved from Saturday 20 February
    "02-23",
    "03-08",
    "05-01", "05-03",                                     -- 3 May moved from Saturday 1 May
    "05-09", "05-10",                                     -- 10 May moved from Sunday 9 May
    "06-12", "06-14",                                     -- 14 June moved from Saturday 12 June
    "11-04", "11-05",                                     -- 5 November moved from Saturday 2 January
    "12-31",                                              -- moved from Sunday 3 January
  },
  work = { "02-20" },                                     -- Saturday 20 February works (shortened)
  short = { "02-20", "04-30", "06-11", "11-03" },
}
