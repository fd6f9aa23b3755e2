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
ncols = system("head -1 " . datafile . " | wc -w") - 1
plot for [i=2:ncols+1] datafile using i:xtic(1) title columnheader(i)
