"""References: every method the report cites, in full (Vancouver style)."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block

METHOD_REFERENCES = (
    "Becker BJ. Synthesizing standardized mean-change measures. Br J Math Stat Psychol. "
    "1988;41(2):257-278.",
    "Borm GF, Fransen J, Lemmens WAJG. A simple sample size formula for analysis of "
    "covariance in randomized clinical trials. J Clin Epidemiol. 2007;60(12):1234-1238.",
    "Cochran WG. The combination of estimates from different experiments. Biometrics. "
    "1954;10(1):101-129.",
    "Cohen J. Statistical Power Analysis for the Behavioral Sciences. 2nd ed. Hillsdale, NJ: "
    "Lawrence Erlbaum; 1988.",
    "DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials. "
    "1986;7(3):177-188.",
    "Gibbons RD, Hedeker DR, Davis JM. Estimation of effect size from a series of "
    "experiments involving paired comparisons. J Educ Stat. 1993;18(3):271-279.",
    "Guyatt GH, Oxman AD, Vist GE, Kunz R, Falck-Ytter Y, Alonso-Coello P, Schünemann HJ. "
    "GRADE: an emerging consensus on rating quality of evidence and strength of "
    "recommendations. BMJ. 2008;336(7650):924-926.",
    "Guyatt GH, Oxman AD, Vist G, et al. GRADE guidelines: 4. Rating the quality of "
    "evidence—study limitations (risk of bias). J Clin Epidemiol. 2011;64(4):407-415.",
    "Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines 6. Rating the quality of "
    "evidence—imprecision. J Clin Epidemiol. 2011;64(12):1283-1293.",
    "Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines: 7. Rating the quality of "
    "evidence—inconsistency. J Clin Epidemiol. 2011;64(12):1294-1302.",
    "Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines: 8. Rating the quality of "
    "evidence—indirectness. J Clin Epidemiol. 2011;64(12):1303-1310.",
    "Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical "
    "trials with binary outcome. Stat Med. 2001;20(24):3875-3889.",
    "Hedges LV. Distribution theory for Glass's estimator of effect size and related "
    "estimators. J Educ Stat. 1981;6(2):107-128.",
    "Higgins JPT, Thomas J, Chandler J, Cumpston M, Li T, Page MJ, Welch VA (editors). "
    "Cochrane Handbook for Systematic Reviews of Interventions version 6.4 (updated August "
    "2023). Cochrane, 2023. Sections 6.5.2.2, 6.5.2.8, 10.10.2, 14.1, 23.3.4.",
    "Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med. "
    "2002;21(11):1539-1558.",
    "Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects "
    "meta-analysis. J R Stat Soc Ser A. 2009;172(1):137-159.",
    "Hoenig JM, Heisey DM. The abuse of power: the pervasive fallacy of power calculations "
    "for data analysis. Am Stat. 2001;55(1):19-24.",
    "Lajeunesse MJ. On the meta-analysis of response ratios for studies with correlated and "
    "multi-group designs. Ecology. 2011;92(11):2049-2055.",
    "Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample size, "
    "median, mid-range, and/or mid-quartile range. Stat Methods Med Res. "
    "2018;27(6):1785-1805.",
    "Morris SB. Estimating effect sizes from pretest-posttest-control group designs. Organ "
    "Res Methods. 2008;11(2):364-386.",
    "Norman GR, Sloan JA, Wyrwich KW. Interpretation of changes in health-related quality of "
    "life: the remarkable universality of half a standard deviation. Med Care. "
    "2003;41(5):582-592.",
    "Nuijten MB, Hartgerink CHJ, van Assen MALM, Epskamp S, Wicherts JM. The prevalence of "
    "statistical reporting errors in psychology (1985-2013). Behav Res Methods. "
    "2016;48(4):1205-1226.",
    "Papadimitropoulou K, Stijnen T, Dekkers OM, le Cessie S. One-stage random effects "
    "meta-analysis using linear mixed models for aggregate continuous outcome data. Res "
    "Synth Methods. 2019;10(3):360-375.",
    "Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand. "
    "1982;87(5):377-385.",
    "Shi J, Luo D, Weng H, Zeng XT, Lin L, Chu H, Tong T. Optimally estimating the sample "
    "standard deviation from the five-number summary. Res Synth Methods. "
    "2020;11(5):641-654.",
    "Sidik K, Jonkman JN. A simple confidence interval for meta-analysis. Stat Med. "
    "2002;21(21):3153-3159.",
    "Spiegelhalter DJ, Abrams KR, Myles JP. Bayesian Approaches to Clinical Trials and "
    "Health-Care Evaluation. Chichester: Wiley; 2004.",
    "Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches to randomized trials. "
    "J R Stat Soc Ser A. 1994;157(3):357-416.",
    "Student. The probable error of a mean. Biometrika. 1908;6(1):1-25.",
    "Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the "
    "random-effects model. J Educ Behav Stat. 2005;30(3):261-293.",
    "Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation from "
    "the sample size, median, range and/or interquartile range. BMC Med Res Methodol. "
    "2014;14:135.",
    "Welch BL. The generalization of 'Student's' problem when several different population "
    "variances are involved. Biometrika. 1947;34(1-2):28-35.",
)


def blocks(results: dict[str, Any]) -> list[Block]:
    """The methods' references; the studies' own citations are in their section."""
    return [
        Block("h2", "References"),
        Block(
            "p",
            "The methods cited in this report. The studies reanalysed are cited in full in "
            "'Studies and the analyst's assumptions'.",
        ),
        *[Block("li", reference) for reference in METHOD_REFERENCES],
    ]
