# The heap against the embedded peers on a Cortex-M3 (make bench-heap-target):
# instructions per malloc and per free, mean and maximum, one cluster per
# figure, one bar per allocator, log scale. Called by `make bench-heap-chart`
# with datafile (bench/heap/chart.sh's output) and outfile.
set terminal pngcairo size 1200,600 font "sans,11" noenhanced
set output outfile
set title "Heaps on Cortex-M3 (QEMU -icount): instructions per call, random 8..511 B, up to 200 live (log scale, lower is better)"
set style data histograms
set style histogram clustered gap 2
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y
set yrange [10:*]
set ylabel "instructions per call, the call included"
set grid ytics
set key outside right top vertical
set xtics nomirror
array colour[6] = ["#08306b", "#a63603", "#006d2c", "#54278f", "#f16913", "#6baed6"]
ncols = system("head -1 " . datafile . " | wc -w") - 1
plot for [i=2:ncols+1] datafile using i:xtic(1) title columnheader(i) lc rgb colour[i-1]
