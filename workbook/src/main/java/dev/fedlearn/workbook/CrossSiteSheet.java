package dev.fedlearn.workbook;

import org.apache.poi.ss.usermodel.ConditionalFormattingThreshold;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFColorScaleFormatting;
import org.apache.poi.xssf.usermodel.XSSFConditionalFormattingRule;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFSheetConditionalFormatting;

/**
 * The Cross-site sheet, when the run had a cross-site evaluation: a row per site (its test samples, then its accuracy
 * of each model on its own test split), a column per model, the global model first; an empty cell where a site did
 * not score or its model was not collected. The accuracies are shaded as a heat map, red (low) to green (high).
 */
final class CrossSiteSheet {
  private CrossSiteSheet() {}

  static void write(XSSFSheet sheet, RunReport.CrossSite x, Styles st) {
    String[] names = new String[2 + x.models().size()];
    names[0] = "Site \\ model";
    names[1] = "Test samples";
    for (int m = 0; m < x.models().size(); m++) {
      names[2 + m] = x.models().get(m);
    }
    Cells.header(sheet, st.bold(), names);
    int r = 1;
    for (RunReport.CrossSiteRow site : x.rows()) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(site.site());
      if (site.testSamples() != null) {
        row.createCell(1).setCellValue(site.testSamples());
      }
      for (int m = 0; m < site.accuracy().size(); m++) {
        if (site.accuracy().get(m) != null) {
          Cells.number(row, 2 + m, site.accuracy().get(m), st.pct());
        }
      }
    }
    Cells.filter(sheet, r - 1, names.length - 1);
    Cells.widths(sheet, names.length, 14);
    heatMap(sheet, new CellRangeAddress(1, Math.max(1, r - 1), 2, names.length - 1));
  }

  /** A two-colour scale over {@code cells}: the lowest accuracy red, the highest green. */
  private static void heatMap(XSSFSheet sheet, CellRangeAddress cells) {
    XSSFSheetConditionalFormatting formatting = sheet.getSheetConditionalFormatting();
    XSSFConditionalFormattingRule rule = formatting.createConditionalFormattingColorScaleRule();
    XSSFColorScaleFormatting scale = rule.getColorScaleFormatting();
    scale.setNumControlPoints(2);
    scale.getThresholds()[0].setRangeType(ConditionalFormattingThreshold.RangeType.MIN);
    scale.getThresholds()[1].setRangeType(ConditionalFormattingThreshold.RangeType.MAX);
    scale.setColors(new XSSFColor[] {new XSSFColor(new byte[] {(byte) 0xf8, 0x69, 0x6b}, null),
        new XSSFColor(new byte[] {0x63, (byte) 0xbe, 0x7b}, null)});
    formatting.addConditionalFormatting(new CellRangeAddress[] {cells}, rule);
  }
}
