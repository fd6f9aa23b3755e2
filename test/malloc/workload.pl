# perl workload for the LD_PRELOAD test: hashes, arrays, regexes, sort,
# sprintf, string growth, and a fork (the child allocates too).
use strict;
use warnings;
my %h;
for my $i (1 .. 200000) { $h{"k" . ($i * 7919 % 1000003)} = [$i, "v" x ($i % 11)]; }
my @keys = sort keys %h;
print scalar(@keys), " $keys[0] $keys[-1]\n";
my $text = "alpha beta gamma delta epsilon " x 20000;
my %count;
$count{$1}++ while $text =~ /(\w+)/g;
print join(",", map { "$_=$count{$_}" } sort keys %count), "\n";
(my $t2 = $text) =~ s/a/A/g;
print length($t2), " ", substr($t2, 0, 30), "\n";
my @nums = map { ($_ * 2654435761) % 1000003 } 1 .. 200000;
my @sorted = sort { $a <=> $b } @nums;
my $sum = 0; $sum += $_ for @sorted;
print "@sorted[0..2] @sorted[-3..-1] $sum\n";
my $s = "";
$s .= sprintf("%05d|", $_) for 1 .. 100000;
print length($s), "\n";
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
    my @a = map { [$_, "c" x ($_ % 30)] } 1 .. 100000;
    exit(scalar(@a) == 100000 ? 0 : 1);
}
waitpid($pid, 0);
print "child ", $? >> 8, "\n";
undef %h;
print "done\n";
