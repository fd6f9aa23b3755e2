-- lua5.4 workload for the LD_PRELOAD test: tables, strings, closures,
-- string.format, sort, gsub, coroutines and full GCs; prints checksums.
local t = {}
for i = 1, 200000 do t[i] = { id = i, key = string.format("k%07d", (i * 7919) % 1000003) } end
table.sort(t, function(a, b) return a.key < b.key end)
local h = 0
for i = 1, #t, 997 do h = (h * 31 + t[i].id) % 1000000007 end
print("sorted", #t, h)
local words = {}
local text = string.rep("the quick brown fox jumps over the lazy dog ", 20000)
for w in text:gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local keys = {}
for k in pairs(words) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", words[k], " ") end
print()
local s = text:gsub("o", "0"):upper()
print(#s, s:sub(1, 44))
local co = coroutine.wrap(function()
  for i = 1, 50000 do coroutine.yield(tostring(i) .. string.rep("x", i % 50)) end
end)
local total = 0
for _ = 1, 50000 do total = total + #co() end
print("coroutine", total)
t = nil; words = nil; collectgarbage("collect")
local parts = {}
for i = 1, 100000 do parts[#parts + 1] = tostring(i * i) end
local joined = table.concat(parts, ",")
print("concat", #joined, joined:sub(-30))
collectgarbage("collect")
print("done")
