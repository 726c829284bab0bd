# Reference values for tests/test_escalc_metafor.py (reanalysis.stats.escalc).
#
# Regenerate (R 4.2, metafor 3.8-1, from the repository root):
#   Rscript tests/reference/escalc_metafor.R
# It writes tests/reference/escalc_metafor.csv: one row per (case, input row) with the
# inputs and metafor's yi, vi and summary.escalc() interval bounds at levels 95 and 90,
# every number printed with 17 significant digits (exact round trip of a double).

suppressMessages(library(metafor))
stopifnot(packageVersion("metafor") == "3.8.1")

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

# yi, vi and the normal-theory intervals of summary.escalc() at levels 95 and 90.
with_intervals <- function(es) {
   s95 <- summary(es, level = 95)
   s90 <- summary(es, level = 90)
   data.frame(yi = c(es$yi), vi = c(es$vi), ci_lb = s95$ci.lb, ci_ub = s95$ci.ub,
              ci_lb_90 = s90$ci.lb, ci_ub_90 = s90$ci.ub)
}

inputs <- c("m1i", "m2i", "sd1i", "sd2i", "n1i", "n2i", "ni", "ri",
            "m1i_pre", "m1i_post", "sd1i_pre", "m2i_pre", "m2i_post", "sd2i_pre")

rows <- list()
add <- function(case, measure, dat, out) {
   for (name in setdiff(inputs, names(dat))) dat[[name]] <- NA_real_
   rows[[length(rows) + 1L]] <<- cbind(data.frame(case = case, measure = measure,
                                                  row = seq_len(nrow(dat)) - 1L),
                                       dat[inputs], out)
}

# --- dependent samples: MC, SMCC, SMCR, ROMC --------------------------------------------
# Rows 1-5: treatment arms of Morris (2008) as typed in metafor's
# tests/testthat/test_analysis_example_morris2008.r (m1i = post, m2i = pre); rows 6-8 add a
# negative, a zero and a unit correlation, equal means, and the smallest n (3) for which
# the bias correction J(n - 1) exists.
dep <- data.frame(
   m1i  = c(38.5, 26.8, 0.7, 75.9, 36.0, 10.0, 5.5, 100),
   m2i  = c(30.6, 23.5, 0.5, 53.4, 35.6, 12.0, 5.5, 80),
   sd1i = c(11.6, 4.1, 0.1, 4.4, 4.6, 2.0, 1.3, 20),
   sd2i = c(15.0, 3.1, 0.1, 14.5, 4.7, 3.0, 0.9, 25),
   ni   = c(20, 50, 9, 10, 14, 3, 7, 250),
   ri   = c(.47, .64, .77, .89, .44, -.3, 0, 1))
for (measure in c("MC", "SMCC", "ROMC")) {
   es <- escalc(measure = measure, m1i = m1i, m2i = m2i, sd1i = sd1i, sd2i = sd2i,
                ni = ni, ri = ri, data = dep)
   add("dependent", measure, dep, with_intervals(es))
}
# SMCR uses no sd2i (metafor standardizes by sd1i alone).
es <- escalc(measure = "SMCR", m1i = m1i, m2i = m2i, sd1i = sd1i, ni = ni, ri = ri, data = dep)
add("dependent", "SMCR", dep[c("m1i", "m2i", "sd1i", "ni", "ri")], with_intervals(es))

# --- two independent groups: MD, SMD, ROM ------------------------------------------------
# Rows 1-9: dat.normand1999 (metadat); row 10: a zero SD and a group of one; row 11: the
# smallest total n (4) for which J(n1 + n2 - 2) exists.
ind <- dat.normand1999[c("m1i", "m2i", "sd1i", "sd2i", "n1i", "n2i")]
ind <- rbind(ind, data.frame(m1i = c(3.2, 7.0), m2i = c(4.1, 6.2), sd1i = c(0, 1.5),
                             sd2i = c(1.1, 2.5), n1i = c(1, 2), n2i = c(3, 2)))
for (measure in c("MD", "SMD", "ROM")) {
   es <- escalc(measure = measure, m1i = m1i, m2i = m2i, sd1i = sd1i, sd2i = sd2i,
                n1i = n1i, n2i = n2i, data = ind)
   add("independent", measure, ind, with_intervals(es))
}

# --- pretest-posttest-control: PPC1, PPC2 (not in metafor) --------------------------------
# Rows 1-5: the five studies of Morris (2008, Table 5) as typed in metafor's test file;
# group 1 = treatment, group 2 = control. Row 6: a negative correlation and unequal pretest
# SDs; row 7: the smallest groups (3 each) that PPC1 (J(n - 1)) and PPC2 (n1 + n2 > 4) allow.
ppc <- data.frame(
   m1i_pre  = c(30.6, 23.5, 0.5, 53.4, 35.6, 12.0, 50),
   m1i_post = c(38.5, 26.8, 0.7, 75.9, 36.0, 10.5, 58),
   sd1i_pre = c(15.0, 3.1, 0.1, 14.5, 4.7, 2.0, 9),
   n1i      = c(20, 50, 9, 10, 14, 25, 3),
   m2i_pre  = c(23.1, 24.9, 0.6, 55.7, 34.8, 11.0, 52),
   m2i_post = c(19.7, 25.3, 0.6, 60.7, 33.4, 11.4, 51),
   sd2i_pre = c(13.8, 4.1, 0.2, 17.3, 3.1, 3.5, 11),
   n2i      = c(20, 42, 9, 11, 14, 31, 3),
   ri       = c(.47, .64, .77, .89, .44, -.2, .6))

# PPC1: difference of metafor's per-group SMCR values (each standardized by its own pretest
# SD), sampling variances summed because the groups are independent.
smcrT <- escalc(measure = "SMCR", m1i = m1i_post, m2i = m1i_pre, sd1i = sd1i_pre, ni = n1i,
                ri = ri, data = ppc)
smcrC <- escalc(measure = "SMCR", m1i = m2i_post, m2i = m2i_pre, sd1i = sd2i_pre, ni = n2i,
                ri = ri, data = ppc)
es <- escalc(measure = "GEN", yi = smcrT$yi - smcrC$yi, vi = smcrT$vi + smcrC$vi)
add("ppc", "PPC1", ppc, with_intervals(es))

# PPC2: d = J(N - 2) * (change_T - change_C) / SD_pooled_pre, as in metafor's test file.
# Its variance by a route other than Morris's eq. 25: d = J * sqrt(K) * T with T noncentral
# t (df = N - 2, ncp = delta / sqrt(K)), K = 2 (1 - r) (1/n1 + 1/n2), so
# Var(d) = J^2 K Var(T), Var(T) from the moments of the noncentral t (Johnson, Kotz &
# Balakrishnan 1995, Continuous Univariate Distributions 2, ch. 31), delta = d (plug-in),
# and those moments checked by numerical integration of R's dt(ncp =).
N <- ppc$n1i + ppc$n2i
df <- N - 2
sd_pool <- sqrt(((ppc$n1i - 1) * ppc$sd1i_pre^2 + (ppc$n2i - 1) * ppc$sd2i_pre^2) / df)
d <- metafor:::.cmicalc(df) * ((ppc$m1i_post - ppc$m1i_pre) - (ppc$m2i_post - ppc$m2i_pre)) / sd_pool
K <- 2 * (1 - ppc$ri) * (1 / ppc$n1i + 1 / ppc$n2i)
ncp <- d / sqrt(K)
mean_t <- ncp * sqrt(df / 2) * exp(lgamma((df - 1) / 2) - lgamma(df / 2))
var_t <- df * (1 + ncp^2) / (df - 2) - mean_t^2
# (dt warns that pnt loses precision far in the tails, where the density is negligible.)
moment <- function(power, i) suppressWarnings(integrate(
   function(x) x^power * dt(x, df[i], ncp[i]), -Inf, Inf, rel.tol = 1e-10,
   subdivisions = 1000L)$value)
for (i in seq_along(df)) {
   m1 <- moment(1, i)
   stopifnot(abs(m1 / mean_t[i] - 1) < 1e-8, abs((moment(2, i) - m1^2) / var_t[i] - 1) < 1e-8)
}
es <- escalc(measure = "GEN", yi = d, vi = metafor:::.cmicalc(df)^2 * K * var_t)
add("ppc", "PPC2", ppc, with_intervals(es))

out <- do.call(rbind, rows)
numeric <- setdiff(names(out), c("case", "measure", "row"))
out[numeric] <- lapply(out[numeric], fmt)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "",
                 grep("^--file=", commandArgs(FALSE), value = TRUE)))),
                 error = function(e) "tests/reference")
write.csv(out, file.path(here, "escalc_metafor.csv"), row.names = FALSE, quote = FALSE)
