# Exports nominal goods-and-services trade (US$ millions, current prices) of every country in the
# Penn World Table 9.1 to data/pwt_trade.csv, the real trade panel behind the bundled reference class.
#
# Source: Feenstra, Inklaar and Timmer (2015), "The Next Generation of the Penn World Table",
# American Economic Review 105(10), 3150-3182; PWT 9.1 (2019), www.ggdc.net/pwt, licence CC BY 4.0;
# read from Debian's package r-cran-pwt9 (data frame pwt9.1).
# Nominal US$ exports = csh_x * cgdpo * pl_x, imports = -csh_m * cgdpo * pl_m: the shares of output-side
# real GDP at current PPPs (cgdpo, 2011 US$ millions) times the price levels of exports and imports
# relative to the US (pl_x, pl_m), which turns PPP values back into current US$. Check: Turkey 2017 gives
# $158.7B exports and $231.0B imports (published: about $157B and $234B).
#
# Run:  apt-get install r-cran-pwt9 && Rscript data/scripts/export_pwt_trade.R   (from the repository root)
library(pwt9)
d <- pwt9.1
exports <- d$csh_x * d$cgdpo * d$pl_x
imports <- -d$csh_m * d$cgdpo * d$pl_m
keep <- is.finite(exports) & is.finite(imports) & exports > 0 & imports > 0
out <- data.frame(isocode = as.character(d$isocode), country = as.character(d$country), year = d$year,
                  exports_musd = signif(exports, 7), imports_musd = signif(imports, 7))[keep, ]
out <- out[order(out$isocode, out$year), ]
write.csv(out, "data/pwt_trade.csv", row.names = FALSE, quote = TRUE, fileEncoding = "UTF-8")
cat(sprintf("%d rows, %d countries, %d-%d\n", nrow(out), length(unique(out$isocode)), min(out$year), max(out$year)))
