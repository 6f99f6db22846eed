using Websocketfy.Fuzz;

FuzzArguments? arguments = FuzzArguments.Parse(args, out string error);
if (arguments is null)
{
    Console.Error.WriteLine(error);
    Console.Error.Write(FuzzArguments.Usage);
    return 2;
}
if (arguments.HelpRequested)
{
    Console.Write(FuzzArguments.Usage);
    return 0;
}
return arguments.Case is { } caseIndex
    ? FuzzRunner.Replay(arguments, arguments.Seed!.Value, caseIndex)
    : FuzzRunner.RunForBudget(arguments);
