namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Format-blind mutations of a byte string: the classic bit flips, byte edits, insertions,
/// deletions, duplications and truncations. Each call applies one mutation.</summary>
internal static class FuzzByteMutator
{
    /// <summary>Bytes that mean something to one of the parsers: line ends, separators, the
    /// bounds of the ASCII and UTF-8 classes, length-field markers.</summary>
    private static readonly byte[] InterestingBytes =
        [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x3A, 0x7E, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF];

    public static void MutateOnce(List<byte> data, ref FuzzRandom random)
    {
        switch (random.Below(7))
        {
            case 0:
                FlipBit(data, ref random);
                break;
            case 1:
                SetByte(data, ref random);
                break;
            case 2:
                InsertRandom(data, ref random);
                break;
            case 3:
                DeleteRange(data, ref random);
                break;
            case 4:
                DuplicateRange(data, ref random);
                break;
            case 5:
                Truncate(data, ref random);
                break;
            default:
                OverwriteRandom(data, ref random);
                break;
        }
    }

    public static void FlipBit(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        int at = random.Below(data.Count);
        data[at] ^= (byte)(1 << random.Below(8));
    }

    public static void SetByte(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        data[random.Below(data.Count)] = random.Percent(50) ? random.Pick(InterestingBytes) : random.NextByte();
    }

    public static void InsertRandom(List<byte> data, ref FuzzRandom random)
    {
        Span<byte> bytes = stackalloc byte[random.Between(1, 16)];
        random.Fill(bytes);
        data.InsertRange(random.Below(data.Count + 1), bytes);
    }

    public static void DeleteRange(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        int at = random.Below(data.Count);
        data.RemoveRange(at, Math.Min(data.Count - at, random.Between(1, 16)));
    }

    public static void DuplicateRange(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        int at = random.Below(data.Count);
        int length = Math.Min(data.Count - at, random.Between(1, 64));
        byte[] copy = data.GetRange(at, length).ToArray();
        data.InsertRange(random.Below(data.Count + 1), copy);
    }

    public static void Truncate(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        int at = random.Below(data.Count);
        data.RemoveRange(at, data.Count - at);
    }

    public static void OverwriteRandom(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }
        int at = random.Below(data.Count);
        int length = Math.Min(data.Count - at, random.Between(1, 8));
        for (int i = 0; i < length; i++)
        {
            data[at + i] = random.NextByte();
        }
    }
}
