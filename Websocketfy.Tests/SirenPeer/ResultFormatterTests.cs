using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.Tests.SirenPeer;

public sealed class ResultFormatterTests
{
    private static ResultTable Table(string[] names, params string[][] rows)
    {
        var table = new ResultTable(names);
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                table.Add(i, row[i]);
            }
        }

        return table;
    }

    [Test]
    public void Columns_AreSortedByNameNotBySelectOrder()
    {
        ResultTable table = Table(["b", "a", "c"], ["2", "1", "3"]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("a, b, c\n1, 2, 3\n"));
    }

    [Test]
    public void ColumnOrder_IsOrdinalSoUpperCaseComesFirst()
    {
        ResultTable table = Table(["a", "B", "_"], ["1", "2", "3"]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("B, _, a\n2, 3, 1\n"));
    }

    [Test]
    public void DuplicateNames_MergeIntoOneColumnWithALinePerValue()
    {
        // Transcript 15: SELECT 1 AS a, 2 AS a → "a\n1\n2\n".
        ResultTable table = Table(["a", "a"], ["1", "2"]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("a\n1\n2\n"));
    }

    [Test]
    public void MergedColumn_OutgrowsTheOthersWhichPrintEmpty()
    {
        ResultTable table = Table(["a", "a", "b"], ["1", "2", "x"]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("a, b\n1, x\n2, \n"));
    }

    [Test]
    public void EmptyValues_PrintAsNothingBetweenSeparators()
    {
        ResultTable table = Table(["x", "y", "z"], ["", "1", ""]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("x, y, z\n, 1, \n"));
    }

    [Test]
    public void Values_AreNeitherQuotedNorEscaped()
    {
        ResultTable table = Table(["v"], ["x, y"], ["line1\nline2"]);
        Assert.That(ResultFormatter.Format(table), Is.EqualTo("v\nx, y\nline1\nline2\n"));
    }

    [Test]
    public void ResultWithoutRows_PrintsNothingNotEvenTheHeader()
    {
        Assert.That(ResultFormatter.Format(Table(["id"])), Is.Empty);
    }

    [TestCase(1000.0, "1000", TestName = "WholeReal_PrintsWithoutDecimals")]
    [TestCase(1.5, "1.5", TestName = "FractionalReal_PrintsShortest")]
    [TestCase(0.1, "0.1", TestName = "PointOne_PrintsShortestNotBinaryNoise")]
    [TestCase(-2.5, "-2.5", TestName = "NegativeReal_KeepsItsSign")]
    [TestCase(-0.0, "0", TestName = "NegativeZero_PrintsWithoutItsSign")]
    [TestCase(100000.0, "100000", TestName = "HundredThousand_StaysDecimal")]
    [TestCase(1e6, "1e+06", TestName = "Million_TurnsExponentialWithTwoDigitExponent")]
    [TestCase(1200000.0, "1200000", TestName = "TwoDigitMillion_StaysDecimalWhileNotLonger")]
    [TestCase(12000000.0, "1.2e+07", TestName = "TwoDigitTenMillion_TurnsExponential")]
    [TestCase(1234567.0, "1234567", TestName = "AllDigitsSignificant_StaysDecimal")]
    [TestCase(0.0001, "0.0001", TestName = "TenThousandth_StaysDecimal")]
    [TestCase(0.00001, "1e-05", TestName = "HundredThousandth_TurnsExponential")]
    [TestCase(0.00012345, "0.00012345", TestName = "SmallWithManyDigits_StaysDecimal")]
    [TestCase(1e100, "1e+100", TestName = "HugeExponent_HasThreeDigits")]
    [TestCase(0.0, "0", TestName = "Zero_PrintsAsZero")]
    [TestCase(double.PositiveInfinity, "inf", TestName = "Infinity_PrintsLikeQt")]
    [TestCase(double.NegativeInfinity, "-inf", TestName = "NegativeInfinity_PrintsLikeQt")]
    public void Reals_PrintLikeQtShortestG(double value, string expected)
    {
        Assert.That(QtNumberFormat.Format(value), Is.EqualTo(expected));
    }
}
