# Reference values for tests/test_other_field.py, computed independently of the package.
#
# Run from the repository root:  Rscript tests/reference/other_field.R
# (R 4.2.2, metafor 3.8-1, MASS and jsonlite from Debian bookworm). It reads the trial CSVs
# in tests/fixtures/other_field/ (invented numbers, labelled "synthetic example for tests")
# and writes tests/reference/other_field_values.json.
#
# For every treatment-vs-control pair, and treatment-vs-treatment pair (first arm in file
# order minus the second, as in a three-arm trial), of every outcome, at the last follow-up
# week, and at each correlation r the report would use:
#   r = 0.5, the package's documented default when nothing is configured
#     (reanalysis.data.settings.DEFAULT_R; Cochrane Handbook 6.5.2.8), and
#   the configured r of tests/fixtures/other_field_configured/analysis.toml:
#     ldl_cholesterol r = 0.7; phq9 the midpoint of r_range [0.4, 0.7], i.e. 0.55.
# Each quantity is computed by a route that shares no code with the package, most of them
# by two routes:
#   * per arm: mean change and change SD, sqrt(sd0^2 + sd1^2 - 2 r sd0 sd1)
#     (Cochrane Handbook 6.5.2.8);
#   * difference in mean change, Student's pooled-variance t (df = n1 + n2 - 2):
#     (1) from the formula, (2) t.test(var.equal = TRUE) on pseudo individual data;
#   * ANCOVA (follow-up ~ baseline + group, common slope):
#     (1) the normal equations X'X b = X'y assembled from the summary statistics alone
#         (sums, sums of squares and cross-products of each arm) and solved with solve();
#     (2) lm() on pseudo individual data;
#   * final-value difference, Student's t: formula and t.test on pseudo individual data;
#   * Hedges' g on final values: metafor::escalc(measure = "SMD") (vtype "LS");
#   * d_ppc2: (change_T - change_C) / SD_pooled_pre * c(n_T + n_C - 2), Morris 2008
#     (Organ Res Methods 11:364-386) eq. 8-9, c from metafor's exact correction
#     metafor:::.cmicalc; variance Morris 2008 eq. 25 with the estimate for delta.
# Pseudo individual data: MASS::mvrnorm(n, mu, Sigma, empirical = TRUE) returns a sample
# whose means and (n - 1)-divisor covariance matrix equal mu and Sigma exactly, so every
# statistic that depends only on first and second moments (t-tests, OLS) is reproduced
# exactly from the summary statistics (Papadimitropoulou et al. 2019, Res Synth Methods
# 10:178-190, "pseudo IPD").
#
# Numbers are written with 17 significant digits (sprintf "%.17g", passed to jsonlite as
# verbatim JSON: jsonlite's own digits argument stops at 15 significant digits), so each
# double round-trips exactly.

suppressPackageStartupMessages({
  library(metafor)
  library(MASS)
  library(jsonlite)
})

script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/reference"
fixtures <- normalizePath(file.path(here, "..", "fixtures", "other_field"))

DEFAULT_R <- 0.5
CONFIGURED_R <- c(ldl_cholesterol = 0.7, phq9 = (0.4 + 0.7) / 2)

arm_summary <- function(rows, arm) {
  a <- rows[rows$arm == arm, ]
  base <- a[a$week == 0, ]
  end <- a[a$week == max(rows$week), ]
  stopifnot(nrow(base) == 1, nrow(end) == 1, base$n == end$n)
  list(n = end$n, m0 = base$mean, s0 = base$sd, m1 = end$mean, s1 = end$sd)
}

change_sd <- function(x, r) sqrt(x$s0^2 + x$s1^2 - 2 * r * x$s0 * x$s1)

student <- function(estimate, sd1, n1, sd2, n2) {
  df <- n1 + n2 - 2
  se <- sqrt(((n1 - 1) * sd1^2 + (n2 - 1) * sd2^2) / df * (1 / n1 + 1 / n2))
  t <- estimate / se
  half <- qt(0.975, df) * se
  list(estimate = estimate, standard_error = se, df = df, statistic = t,
       pvalue = 2 * pt(-abs(t), df), ci_low = estimate - half, ci_high = estimate + half)
}

from_htest <- function(h) {
  estimate <- unname(h$estimate[1] - h$estimate[2])
  list(estimate = estimate, standard_error = h$stderr, df = unname(h$parameter),
       statistic = unname(h$statistic), pvalue = h$p.value,
       ci_low = h$conf.int[1], ci_high = h$conf.int[2])
}

pseudo_ipd <- function(x, r) {
  sigma <- matrix(c(x$s0^2, r * x$s0 * x$s1, r * x$s0 * x$s1, x$s1^2), 2)
  xy <- mvrnorm(x$n, mu = c(x$m0, x$m1), Sigma = sigma, empirical = TRUE)
  list(pre = xy[, 1], post = xy[, 2])
}

# Normal equations of post = b0 + b1 * group + b2 * pre from each arm's n, means, SDs and
# r: sum(pre) = n m0, sum(pre^2) = (n - 1) s0^2 + n m0^2, sum(pre post) = (n - 1) r s0 s1
# + n m0 m1, and likewise for post. Group is 1 for the treatment arm.
ancova_normal_equations <- function(t, c, r) {
  sums <- function(x) {
    list(n = x$n, x = x$n * x$m0, y = x$n * x$m1,
         xx = (x$n - 1) * x$s0^2 + x$n * x$m0^2,
         yy = (x$n - 1) * x$s1^2 + x$n * x$m1^2,
         xy = (x$n - 1) * r * x$s0 * x$s1 + x$n * x$m0 * x$m1)
  }
  a <- sums(t)
  b <- sums(c)
  xtx <- matrix(c(a$n + b$n, a$n, a$x + b$x,
                  a$n, a$n, a$x,
                  a$x + b$x, a$x, a$xx + b$xx), 3, byrow = TRUE)
  xty <- c(a$y + b$y, a$y, a$xy + b$xy)
  beta <- solve(xtx, xty)
  df <- a$n + b$n - 3
  s2 <- (a$yy + b$yy - sum(beta * xty)) / df
  se <- sqrt(s2 * solve(xtx)[2, 2])
  t_value <- beta[2] / se
  half <- qt(0.975, df) * se
  list(estimate = beta[2], standard_error = se, df = df, statistic = t_value,
       pvalue = 2 * pt(-abs(t_value), df), ci_low = beta[2] - half,
       ci_high = beta[2] + half, slope = beta[3])
}

ancova_lm <- function(ipd_t, ipd_c) {
  d <- data.frame(post = c(ipd_t$post, ipd_c$post), pre = c(ipd_t$pre, ipd_c$pre),
                  group = rep(c(1, 0), c(length(ipd_t$pre), length(ipd_c$pre))))
  fit <- lm(post ~ pre + group, data = d)
  co <- summary(fit)$coefficients
  ci <- confint(fit, "group", level = 0.95)
  list(estimate = co["group", "Estimate"], standard_error = co["group", "Std. Error"],
       df = fit$df.residual, statistic = co["group", "t value"],
       pvalue = co["group", "Pr(>|t|)"], ci_low = ci[1], ci_high = ci[2],
       slope = co["pre", "Estimate"])
}

dppc2 <- function(t, c, r) {
  df <- t$n + c$n - 2
  cp <- metafor:::.cmicalc(df)
  sd_pre <- sqrt(((t$n - 1) * t$s0^2 + (c$n - 1) * c$s0^2) / df)  # Morris 2008 eq. 9
  d <- cp * ((t$m1 - t$m0) - (c$m1 - c$m0)) / sd_pre               # Morris 2008 eq. 8
  k <- 2 * (1 - r) * (t$n + c$n) / (t$n * c$n)
  variance <- cp^2 * k * (df / (df - 2)) * (1 + d^2 / k) - d^2     # Morris 2008 eq. 25
  list(estimate = d, variance = variance, correction = cp, sd_pooled_pre = sd_pre)
}

compare <- function(t, c, r) {
  ipd_t <- pseudo_ipd(t, r)
  ipd_c <- pseudo_ipd(c, r)
  g <- escalc(measure = "SMD", m1i = t$m1, sd1i = t$s1, n1i = t$n,
              m2i = c$m1, sd2i = c$s1, n2i = c$n)
  list(
    treatment_arm = list(n = t$n, mean_change = t$m1 - t$m0, change_sd = change_sd(t, r)),
    control_arm = list(n = c$n, mean_change = c$m1 - c$m0, change_sd = change_sd(c, r)),
    change = student((t$m1 - t$m0) - (c$m1 - c$m0), change_sd(t, r), t$n,
                     change_sd(c, r), c$n),
    change_ipd = from_htest(t.test(ipd_t$post - ipd_t$pre, ipd_c$post - ipd_c$pre,
                                   var.equal = TRUE)),
    ancova = ancova_normal_equations(t, c, r),
    ancova_ipd = ancova_lm(ipd_t, ipd_c),
    final = student(t$m1 - c$m1, t$s1, t$n, c$s1, c$n),
    final_ipd = from_htest(t.test(ipd_t$post, ipd_c$post, var.equal = TRUE)),
    hedges_g_final = list(estimate = as.numeric(g$yi), variance = as.numeric(g$vi)),
    dppc2 = dppc2(t, c, r)
  )
}

set.seed(20240601)  # mvrnorm(empirical = TRUE) makes the moments exact for any seed
records <- list()
for (file in sort(list.files(fixtures, pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(file, stringsAsFactors = FALSE, check.names = FALSE)
  for (outcome in unique(d$outcome)) {
    rows <- d[d$outcome == outcome, ]
    treatments <- unique(rows$arm[rows$role == "treatment"])
    controls <- unique(rows$arm[rows$role == "control"])
    pairs <- list()
    for (a in treatments) for (b in controls) {
      pairs[[length(pairs) + 1]] <- c(a, b, "treatment_vs_control")
    }
    if (length(treatments) > 1) {
      for (i in seq_len(length(treatments) - 1)) for (j in (i + 1):length(treatments)) {
        pairs[[length(pairs) + 1]] <- c(treatments[i], treatments[j], "treatment_vs_treatment")
      }
    }
    configured <- if (outcome %in% names(CONFIGURED_R)) CONFIGURED_R[[outcome]] else DEFAULT_R
    settings <- list(list(r = DEFAULT_R, folders = "other_field"),
                     list(r = configured, folders = "other_field_configured"))
    if (configured == DEFAULT_R) {
      settings <- list(list(r = DEFAULT_R,
                            folders = c("other_field", "other_field_configured")))
    }
    for (pair in pairs) {
      t <- arm_summary(rows, pair[1])
      c <- arm_summary(rows, pair[2])
      for (s in settings) {
        records[[length(records) + 1]] <- c(
          list(trial = sub("\\.csv$", "", basename(file)), study = rows$study[1],
               outcome = outcome, week = max(rows$week), treatment = pair[1],
               control = pair[2], comparison = pair[3], r = s$r, folders = I(s$folders)),
          compare(t, c, s$r)
        )
      }
    }
  }
}

out <- list(
  generated_by = "Rscript tests/reference/other_field.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  mass_version = as.character(packageVersion("MASS")),
  records = records
)
full_precision <- function(x) {
  if (is.list(x)) return(lapply(x, full_precision))
  if (is.numeric(x) && length(x) == 1) return(structure(sprintf("%.17g", x), class = "json"))
  x
}
write_json(full_precision(out), file.path(here, "other_field_values.json"),
           auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE)
