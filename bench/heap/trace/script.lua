-- bench/heap's Lua workload: a small program's mix of allocations (tables
-- growing, short strings, string building, closures, coroutines, sort,
-- gsub, GC cycles), sized so that its live heap fits a small part's RAM
-- (under 200 KB at its peak). Prints a checksum so the run can be compared.
collectgarbage("incremental", 120, 200) -- a small part's setting: collect when the heap grows by 20%
local records = {}
for i = 1, 300 do
  records[i] = { id = i, name = string.format("item%04d", (i * 37) % 1000), tags = { i % 3, i % 5, i % 7 } }
end
table.sort(records, function(a, b) return a.name < b.name end)
local h = 0
for i = 1, #records do h = (h * 31 + records[i].id) % 1000003 end
print("records", #records, h)

local words = {}
local text = string.rep("alpha beta gamma delta epsilon zeta eta theta ", 50)
for w in text:gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local parts = {}
for k, v in pairs(words) do parts[#parts + 1] = k .. "=" .. v end
table.sort(parts)
print("words", table.concat(parts, ","))

for round = 1, 30 do
  local buf = {}
  for i = 1, 100 do buf[i] = tostring(i * round) .. ":" .. string.rep("x", (i * 7 + round) % 60) end
  local s = table.concat(buf, ";")
  s = s:gsub("x+", function(x) return #x end)
  h = (h + #s) % 1000003
  if round % 10 == 0 then records = { table.unpack(records, 1, 300 - round * 5) } end
end
print("rounds", h)

local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield({ i, i * i, tostring(i) }) end
  end)
end
local sum = 0
for c = 1, 20 do
  for t in gen(100) do sum = sum + t[2] + #t[3] end
end
print("coroutines", sum)

local fns = {}
for i = 1, 500 do fns[i] = function(x) return x + i end end
local acc = 0
for i = 1, #fns do acc = fns[i](acc) % 1000003 end
collectgarbage("collect")
print("closures", acc, #records)
