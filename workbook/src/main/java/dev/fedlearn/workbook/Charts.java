package dev.fedlearn.workbook;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xddf.usermodel.PresetColor;
import org.apache.poi.xddf.usermodel.PresetLineDash;
import org.apache.poi.xddf.usermodel.XDDFColor;
import org.apache.poi.xddf.usermodel.XDDFLineProperties;
import org.apache.poi.xddf.usermodel.XDDFNoFillProperties;
import org.apache.poi.xddf.usermodel.XDDFPresetLineDash;
import org.apache.poi.xddf.usermodel.XDDFShapeProperties;
import org.apache.poi.xddf.usermodel.XDDFSolidFillProperties;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSourcesFactory;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.xmlbeans.XmlCursor;
import org.apache.xmlbeans.XmlObject;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTMarker;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTValAx;
import org.openxmlformats.schemas.drawingml.x2006.main.CTTextCharacterProperties;

/**
 * What the Rounds and Training curves charts share: which clients they draw, the line colours, the accuracy axis
 * scaled to the plotted values, the series' lines, and the chart's data read from the sheet's cells.
 */
final class Charts {
  /** Line colours: global accuracy, mean client accuracy, then one per client (Tableau 10). */
  static final byte[] GLOBAL_COLOUR = rgb(0x1F3864);
  static final byte[] MEAN_COLOUR = rgb(0x000000);
  static final int[] CLIENT_COLOURS = {0x4E79A7, 0xF28E2B, 0xE15759, 0x59A14F, 0x76B7B2, 0xEDC948, 0xB07AA1,
      0xFF9DA7, 0x9C755F, 0x7F7F7F};

  private Charts() {}

  /** The ids that occur here, those in the report's client list first (in its order), then the others as met. */
  static List<String> ordered(RunReport s, Stream<String> ids) {
    Set<String> present = new LinkedHashSet<>();
    ids.forEach(present::add);
    Set<String> order = new LinkedHashSet<>();
    s.clients().stream().map(RunReport.Client::clientId).filter(present::contains).forEach(order::add);
    order.addAll(present);
    return List.copyOf(order);
  }

  /**
   * The accuracy axis's minimum, maximum and major unit for these values (nulls skipped): the smallest step of 1, 2,
   * 5, 10 or 20 percentage points that covers them in at most 10 steps, the minimum the last multiple of the step
   * strictly below the least value and the maximum the first strictly above the greatest (so no point sits on the
   * plot's edge), within 0..1. Without values: 0..1 in steps of 10 points.
   */
  static double[] axisRange(List<Double> values) {
    double lo = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (Double.isNaN(lo)) {
      return new double[] {0, 1, 0.1};
    }
    // In hundredths of a percentage point, so that the bounds are whole numbers.
    double low = Math.max(0, Math.min(1, lo)) * 10_000;
    double high = Math.max(0, Math.min(1, hi)) * 10_000;
    for (int step : new int[] {100, 200, 500, 1000, 2000}) {
      long min = Math.max(0, ((long) Math.ceil(low / step - 1e-9) - 1) * step);
      long max = Math.min(10_000, ((long) Math.floor(high / step + 1e-9) + 1) * step);
      if ((max - min) / step <= 10 || step == 2000) {
        return new double[] {min / 10_000.0, max / 10_000.0, step / 10_000.0};
      }
    }
    throw new AssertionError("unreachable");
  }

  /** Scales an accuracy axis to these values ({@link #axisRange}) and shows it in percent, with gridlines. */
  static void accuracyAxis(XSSFChart chart, XDDFValueAxis y, List<Double> values) {
    double[] range = axisRange(values);
    y.setMinimum(range[0]);
    y.setMaximum(range[1]);
    y.setMajorUnit(range[2]);
    format(chart, y, "0%");
    XDDFShapeProperties grid = y.getOrAddMajorGridProperties();
    grid.setLineProperties(lineProperties(XDDFColor.from(PresetColor.LIGHT_GRAY), 0.75, false));
  }

  /** Shows a value axis's numbers in this format (its own: not the cells', e.g. 0.00% for accuracies). */
  static void format(XSSFChart chart, XDDFValueAxis axis, String format) {
    axis.setNumberFormat(format);
    for (CTValAx a : chart.getCTChart().getPlotArea().getValAxArray()) {
      if (a.getAxId().getVal() == axis.getId()) {
        a.getNumFmt().setSourceLinked(false);
      }
    }
  }

  /** Marks the chart's texts (titles) as English, whatever the default Locale (POI writes its language tag). */
  static void english(XSSFChart chart) {
    for (XmlObject run : chart.getCTChartSpace().selectPath("declare namespace a='"
        + "http://schemas.openxmlformats.org/drawingml/2006/main' $this//a:rPr")) {
      ((CTTextCharacterProperties) run).setLang("en-US");
    }
  }

  /** Names a line series and draws it: its colour, width in points, dashed or not, and its markers (small). */
  static void line(XDDFChartData.Series series, String title,
      byte[] colour, double width, boolean dashed, MarkerStyle marker) {
    XDDFLineChartData.Series line = (XDDFLineChartData.Series) series;
    line.setTitle(title, null);
    line.setSmooth(false);
    line.setMarkerStyle(marker);
    if (marker != MarkerStyle.NONE) {
      // Size 5 (the schema type behind setMarkerSize is not in poi-ooxml-lite: the attribute is written as text).
      CTMarker shape = line.getCTLineSer().getMarker();
      try (XmlCursor cursor = (shape.isSetSize() ? shape.getSize() : shape.addNewSize()).newCursor()) {
        cursor.toNextToken();
        cursor.insertAttributeWithValue("val", "5");
      }
      // The marker in the line's colour.
      XDDFShapeProperties fill = new XDDFShapeProperties();
      fill.setFillProperties(new XDDFSolidFillProperties(XDDFColor.from(colour)));
      fill.setLineProperties(lineProperties(XDDFColor.from(colour), 0.75, false));
      shape.setSpPr(fill.getXmlObject());
    }
    line.setShapeProperties(stroke(colour, width, dashed));
  }

  /** A series' shape: a solid (or dashed) line of this colour and width in points, no fill. */
  static XDDFShapeProperties stroke(byte[] colour, double width, boolean dashed) {
    XDDFShapeProperties shape = new XDDFShapeProperties();
    shape.setFillProperties(new XDDFNoFillProperties());
    shape.setLineProperties(lineProperties(XDDFColor.from(colour), width, dashed));
    return shape;
  }

  /** A solid (or dashed) line of this colour and width in points. */
  private static XDDFLineProperties lineProperties(XDDFColor colour, double width, boolean dashed) {
    XDDFLineProperties line = new XDDFLineProperties(new XDDFSolidFillProperties(colour));
    line.setWidth(width);
    if (dashed) {
      line.setPresetDash(new XDDFPresetLineDash(PresetLineDash.DASH));
    }
    return line;
  }

  /**
   * A chart's data from a column's cells (rows first..last, 0-based), with these values as the chart's cached copy:
   * the chart reads the cells, and shows the copy until it does.
   */
  static XDDFNumericalDataSource<Double> column(XSSFSheet sheet, Double[] values, int first, int last, int column) {
    String range = new CellRangeAddress(first, last, column, column).formatAsString(sheet.getSheetName(), true);
    return XDDFDataSourcesFactory.fromArray(values, range, 0);
  }

  /** A colour given as 0xRRGGBB, as its red, green and blue bytes. */
  static byte[] rgb(int rgb) {
    return new byte[] {(byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb};
  }
}
