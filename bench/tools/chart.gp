# ns per alloc+free pair, 64-byte objects: one cluster per workload, one bar
# per allocator, log scale. Called by `make bench` with datafile and outfile.
set terminal pngcairo size 1600,700 font "sans,11" noenhanced
set output outfile
set title "libslab vs peers: ns per alloc+free pair, 64-byte objects (log scale, lower is better)"
set style data histograms
set style histogram clustered gap 2
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y
set yrange [0.3:*]
set ylabel "ns per alloc+free pair"
set grid ytics
set key outside right top vertical
set datafile missing "?"
set xtics nomirror
# One colour per allocator, in tools/report.sh's column order: libslab in
# blues, the bare free list black, Boost greens, malloc-family oranges, pmr
# purples (gnuplot's default palette repeats after 8).
array colour[14] = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#000000", "#006d2c", "#41ab5d", "#a1d99b", \
                    "#a63603", "#f16913", "#fdae6b", "#fee6ce", "#54278f", "#9e9ac8"]
ncols = system("head -1 " . datafile . " | wc -w") - 1
plot for [i=2:ncols+1] datafile using i:xtic(1) title columnheader(i) lc rgb colour[i-1]
