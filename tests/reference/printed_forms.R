# Reference values for tests/test_printed_forms.py.
#
# R 4.2 with Debian's metafor 3.8-1. metafor 3.8-1 predates conv.fivenum() (added in
# metafor 4.0), so its source is taken from a checkout of the metafor repository
# (github.com/wviechtb/metafor, commit 71ae8f5ac9befeacc6654ead1b03ff05c065d54d, version
# 5.1-12): R/conv.fivenum.r with the helpers it calls (R/misc.func.hidden.r, R/mfopt.r),
# evaluated in an environment whose parent is the installed metafor namespace.
#
# Run:  Rscript tests/reference/printed_forms.R /path/to/metafor/R
# and paste the printed numbers into the test file (17 significant digits).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1L) stop("usage: Rscript printed_forms.R /path/to/metafor/R")
src <- args[1]

e <- new.env(parent = asNamespace("metafor"))
for (f in c("mfopt.r", "misc.func.hidden.r", "conv.fivenum.r"))
   sys.source(file.path(src, f), envir = e)

show <- function(label, x) cat(label, "=", paste(sprintf("%.17g", x), collapse = ", "), "\n")

### 1. SD from a confidence interval of a mean: sqrt(n) * (high - low) / (2 * t_{(1+level)/2, n-1})

ci <- data.frame(low = c(1.5, -0.32, 10.1), high = c(2.5, 1.07, 12.9),
                 n = c(25, 9, 140), level = c(0.95, 0.90, 0.99))
show("sd_from_ci", sqrt(ci$n) * (ci$high - ci$low) / (2 * qt((1 + ci$level) / 2, ci$n - 1)))

### 2. Mean and SD from five-number summaries (Luo 2018 / Wan 2014 / Shi 2020, Shi 2023 skewness test)

# rows 1-3 and 11: S1 {min, median, max}; rows 4-6 and 12: S2 {q1, median, q3};
# rows 7-10: S3 (all five). Rows 1, 4, 7, 8 are the examples of metafor's ?conv.fivenum.
dat <- data.frame(
   min    = c(2,  11.2, -3.5, NA, NA,   NA,   2,  2,  0.8, -40, 0,  NA),
   q1     = c(NA, NA,   NA,   4,  13.1, -1.2, 4,  4,  1.9, -12, NA, 1),
   median = c(6,  14.0, 0.4,  6,  14.5, 0.1,  6,  6,  2.6, -5,  1,  2),
   q3     = c(NA, NA,   NA,   10, 15.8, 1.3,  10, 14, 3.7, 3,   NA, 8),
   max    = c(14, 19.9, 4.1,  NA, NA,   NA,   14, 20, 7.5, 25,  20, NA),
   n      = c(20, 5,    311,  20, 48,   1000, 20, 20, 73,  9,   30, 50))

wan <- e$conv.fivenum(min=min, q1=q1, median=median, q3=q3, max=max, n=n, data=dat,
                      method=c("luo2016", "wan2014"), test=FALSE)
shi <- e$conv.fivenum(min=min, q1=q1, median=median, q3=q3, max=max, n=n, data=dat,
                      method=c("luo2016", "shi2020"), test=FALSE)
show("mean_luo", wan$mean)
show("sd_wan", wan$sd)
show("sd_shi", shi$sd)
show("skewness_statistic", attr(wan$mean, "tval"))
show("skewness_critical", attr(wan$mean, "crit"))
cat("skewness_significant =", attr(wan$mean, "sig"), "\n")
