namespace Websocketfy.Daemon.Configuration;

/// <summary>Reads a websocketfy.conf named by --config or WEBSOCKETFY_CONFIG.</summary>
internal static class ConfigFile
{
    public static ConfigFileParser.Result Read(string path)
    {
        if (path.Length == 0)
            return new([], "config file name is empty");
        if (Directory.Exists(path))
            return new([], $"cannot read config file '{path}': it is a directory");

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return new([], $"cannot read config file '{path}': no such file");
        }
        catch (UnauthorizedAccessException)
        {
            return new([], $"cannot read config file '{path}': permission denied");
        }
        catch (ArgumentException)
        {
            return new([], $"cannot read config file '{path}': not a valid path");
        }
        catch (IOException exception)
        {
            return new([], $"cannot read config file '{path}': {exception.Message}");
        }
        return ConfigFileParser.Parse(text, path);
    }
}
