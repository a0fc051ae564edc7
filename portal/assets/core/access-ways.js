// How a consumer gets to their metering points (GET tenant → access_ways, or those of their applicant kind):
// the ways, whom to contact where the utility grants access itself, and the one sentence the pages without
// points show.

/** The ways of a tenant, or of the user's applicant kind when the tenant says so. */
export function tenantWays(tenant, user) {
  const kinds = Array.isArray(tenant.applicant_kinds) ? tenant.applicant_kinds : [];
  const kind = user && kinds.find((k) => k.id === user.kind);
  if (kind && Array.isArray(kind.access_ways)) return kind.access_ways;
  return Array.isArray(tenant.access_ways) ? tenant.access_ways : [];
}

/** Who to contact when the utility grants access itself. */
export function operatorHelp(tenant) {
  const help = tenant.settings && tenant.settings.meters && tenant.settings.meters.access_help;
  if (typeof help === 'string' && help.trim()) return help.trim();
  return `Доступ к приборам учёта предоставляет ${tenant.short_name || tenant.name || 'сетевая организация'}: обратитесь в сетевую организацию.`;
}

/** One sentence on how to get access, for the pages that have no points to show. */
export function accessHint(tenant, ways) {
  const w = Array.isArray(ways) && ways.length ? ways : tenantWays(tenant, null);
  if (w.includes('account_number')) {
    return 'Добавьте номер лицевого счёта — он указан в квитанции на оплату электрической энергии.';
  }
  if (w.includes('ogrn_contract')) {
    return 'Подтвердите данные организации номером любого договора электроснабжения или купли-продажи электрической энергии.';
  }
  if (w.includes('supplier_login')) {
    return 'Точки учёта появятся, когда к личному кабинету будет привязан договор с поставщиком.';
  }
  if (w.includes('operator_grant')) return operatorHelp(tenant);
  return 'Обратитесь в сетевую организацию, чтобы получить доступ к приборам учёта.';
}
