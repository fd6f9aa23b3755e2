# python3 workload for the LD_PRELOAD test: dicts, lists, strings, json,
# re, sorting, big integers, a class graph, a bytes buffer; prints results.
import hashlib, json, re, collections

d = {f"key{i}": [i, str(i) * (i % 7), {"n": i}] for i in range(100000)}
blob = json.dumps(d, sort_keys=True)
back = json.loads(blob)
print(len(blob), hashlib.sha256(blob.encode()).hexdigest()[:16], back["key99999"][0])
words = re.findall(r"[a-z]+", "lorem ipsum dolor sit amet consectetur adipiscing elit " * 20000)
c = collections.Counter(words)
print(sorted(c.items())[:4])
nums = [(i * 2654435761) % 1000003 for i in range(300000)]
nums.sort()
print(nums[:3], nums[-3:], sum(nums))
big = 3 ** 200000
print(big.bit_length(), len(hex(big)), big % 1000000007)

class Node:
    __slots__ = ("v", "kids")
    def __init__(self, v):
        self.v = v
        self.kids = []

root = Node(0)
level = [root]
for depth in range(6):
    nxt = []
    for n in level:
        for k in range(6):
            c2 = Node(n.v * 6 + k)
            n.kids.append(c2)
            nxt.append(c2)
    level = nxt
def total(n):
    return n.v + sum(total(k) for k in n.kids)
print(len(level), total(root))
buf = bytearray()
for i in range(200000):
    buf += i.to_bytes(4, "little")
print(len(buf), hashlib.md5(bytes(buf)).hexdigest())
