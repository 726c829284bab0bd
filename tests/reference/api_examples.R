# Reference values for the docstring examples of the public API (tests/test_doctests.py)
# and for tests/test_api.py. R 4.2, metafor 3.8-1, pwr, MASS. Run: Rscript api_examples.R
# Data: study 1 (and 2, 3) of Morris 2008, Organ Res Methods 11:364-386, as typed in
# metafor's tests/testthat/test_analysis_example_morris2008.r.
suppressMessages({library(metafor); library(pwr); library(MASS)})
p <- function(label, x) cat(label, sprintf("%.15g", x), "\n")

# --- study 1: treatment 30.6 (15.0) -> 38.5 (11.6), control 23.1 (13.8) -> 19.7 (14.8), n 20/20
r <- 0.47; n <- 20
sdc_t <- sqrt(15.0^2 + 11.6^2 - 2 * r * 15.0 * 11.6)
sdc_c <- sqrt(13.8^2 + 14.8^2 - 2 * r * 13.8 * 14.8)
# within-arm paired t (arm_change)
t_arm <- (38.5 - 30.6) / (sdc_t / sqrt(n))
p("arm_change: change_sd, statistic, pvalue", c(sdc_t, t_arm, 2 * pt(-abs(t_arm), n - 1)))
# difference in change, Student t on change scores
est <- (38.5 - 30.6) - (19.7 - 23.1)
sp <- sqrt(((n - 1) * sdc_t^2 + (n - 1) * sdc_c^2) / (2 * n - 2))
se <- sp * sqrt(2 / n)
tt <- est / se
p("difference_in_change: estimate, se, t, p", c(est, se, tt, 2 * pt(-abs(tt), 2 * n - 2)))
p("difference_in_change 95% CI", est + c(-1, 1) * qt(0.975, 2 * n - 2) * se)
p("difference_in_change one-sided p (larger)", pt(tt, 2 * n - 2, lower.tail = FALSE))
p("difference_in_change 90% CI", est + c(-1, 1) * qt(0.95, 2 * n - 2) * se)
# ANCOVA: lm on pseudo individual data with exactly these means, SDs and r (MASS::mvrnorm
# with empirical = TRUE reproduces the sample moments exactly).
arm <- function(m, s, n, r) mvrnorm(n, m, matrix(c(s[1]^2, r * s[1] * s[2], r * s[1] * s[2], s[2]^2), 2),
                                   empirical = TRUE)
set.seed(1)
a <- arm(c(30.6, 38.5), c(15.0, 11.6), n, r); b <- arm(c(23.1, 19.7), c(13.8, 14.8), n, r)
d <- data.frame(pre = c(a[, 1], b[, 1]), post = c(a[, 2], b[, 2]), g = rep(1:0, each = n))
fit <- summary(lm(post ~ g + pre, data = d))$coefficients
p("ancova: estimate, se, t, p", fit["g", ])
# Standardized effects, metafor
p("smcr treatment", unlist(escalc("SMCR", m1i = 38.5, m2i = 30.6, sd1i = 15.0, ni = n, ri = r)[c("yi", "vi")]))
p("smcc treatment", unlist(escalc("SMCC", m1i = 38.5, m2i = 30.6, sd1i = 11.6, sd2i = 15.0, ni = n, ri = r)[c("yi", "vi")]))
p("hedges_g_final", unlist(escalc("SMD", m1i = 38.5, m2i = 19.7, sd1i = 11.6, sd2i = 14.8, n1i = n, n2i = n)[c("yi", "vi")]))
# d_ppc2, Morris 2008 eqs. 8-10 and 25 (metafor's analyses:morris2008 page)
ppc2 <- function(mt0, sdt0, mt1, nt, mc0, sdc0, mc1, nc, r) {
  N <- nt + nc; cp <- exp(lgamma((N - 2) / 2) - lgamma((N - 3) / 2)) / sqrt((N - 2) / 2)
  sdpre <- sqrt(((nt - 1) * sdt0^2 + (nc - 1) * sdc0^2) / (N - 2))
  y <- cp * ((mt1 - mt0) - (mc1 - mc0)) / sdpre
  k <- 2 * (1 - r) * N / (nt * nc)
  c(y, cp^2 * k * (N - 2) / (N - 4) * (1 + y^2 / k) - y^2)
}
p("dppc2 study 1", ppc2(30.6, 15.0, 38.5, 20, 23.1, 13.8, 19.7, 20, 0.47))

# --- pooling d_ppc2 of studies 1-3 at a common r = 0.5, REML (metafor rma)
s <- rbind(ppc2(30.6, 15.0, 38.5, 20, 23.1, 13.8, 19.7, 20, 0.5),
           ppc2(23.5, 3.1, 26.8, 50, 24.9, 4.1, 25.3, 42, 0.5),
           ppc2(0.5, 0.1, 0.7, 9, 0.6, 0.2, 0.6, 9, 0.5))
res <- rma(s[, 1], s[, 2], method = "REML", control = list(tol = 1e-15, threshold = 1e-15, maxiter = 10000))
p("pool dppc2 r=0.5 REML: estimate, se, ci, tau2, z, p",
  c(res$beta, res$se, res$ci.lb, res$ci.ub, res$tau2, res$zval, res$pval))

# --- Bayes: study 1 difference in change, prior N(0, 10^2)
prec <- 1 / 10^2 + 1 / se^2
p("posterior mean, sd", c((est / se^2) / prec, 1 / sqrt(prec)))

# --- power (pwr: exact noncentral t)
p("power d=0.5 n=86/86 two-sided", pwr.t.test(n = 86, d = 0.5)$power)
p("power d=0.5 n=64/64 larger", pwr.t.test(n = 64, d = 0.5, alternative = "greater")$power)
# pwr solves with uniroot's default tolerance (about 1e-4); solved here to 1e-14 instead.
solve <- function(f, lower, upper) uniroot(f, c(lower, upper), tol = 1e-14)$root
p("n per group d=0.5 power 0.8", solve(function(n) pwr.t.test(n = n, d = 0.5)$power - 0.8, 2, 1000))
p("n per group d=0.5 power 0.8 larger",
  solve(function(n) pwr.t.test(n = n, d = 0.5, alternative = "greater")$power - 0.8, 2, 1000))
p("mde n=64 power 0.8", solve(function(d) pwr.t.test(n = 64, d = d)$power - 0.8, 0.01, 5))
p("mde n=64 power 0.8 larger",
  solve(function(d) pwr.t.test(n = 64, d = d, alternative = "greater")$power - 0.8, 0.01, 5))
p("power d=0.5 n=33/36 larger", pwr.t2n.test(n1 = 33, n2 = 36, d = 0.5, alternative = "greater")$power)
p("power d=-0.5 n=33/36 smaller", pwr.t2n.test(n1 = 33, n2 = 36, d = -0.5, alternative = "less")$power)
