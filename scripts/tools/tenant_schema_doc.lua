--- Prints the tables of tenants/README.md generated from the tenant schema,
-- or with --write puts them into the README between their markers.
--   lua5.4 scripts/tools/tenant_schema_doc.lua [--write]
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local root = here .. "/../.."
package.path = root .. "/scripts/?.lua;" .. package.path
local doc = require("kabinet.schema_doc")
local path = root .. "/tenants/README.md"

if arg[1] == "--write" then
  local f = assert(io.open(path, "r"))
  local text = f:read("a")
  f:close()
  local missing = doc.missing(text)
  if #missing > 0 then
    io.stderr:write("no markers in tenants/README.md for: " .. table.concat(missing, ", ") .. "\n")
    os.exit(1)
  end
  f = assert(io.open(path, "w"))
  f:write(doc.render(text))
  f:close()
else
  for _, block in ipairs(doc.blocks()) do
    print("<!-- schema:" .. block[1] .. " -->")
    print(block[2])
    print("<!-- /schema:" .. block[1] .. " -->")
    print()
  end
end
