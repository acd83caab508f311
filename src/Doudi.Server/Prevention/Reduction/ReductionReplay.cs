using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Reduction;
using Doudi.Server.Prevention.Common;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>Rebuilds a reduction case by replaying its stored commands through the domain (same calendar, same times).</summary>
public static class ReductionReplay
{
    /// <summary>
    /// Replays the commands. The opening command carries the steps the case was opened with (departments, order,
    /// deadlines from the region's file then); a case opened before they were stored takes <paramref name="currentSteps"/>.
    /// </summary>
    public static ReductionCase Rebuild(WorkdayCalendar cal, string caseId, IReadOnlyList<StoredCommand> commands, Func<ReductionSteps> currentSteps)
    {
        if (commands.Count == 0 || commands[0].Command != "open") throw new InvalidOperationException($"case {caseId} has no opening command");
        ReductionCase? rc = null;
        foreach (var cmd in commands)
        {
            if (rc is null)
            {
                var stored = cmd.List("departments");
                var steps = stored.Length == 0 ? currentSteps()
                    : new ReductionSteps(stored.Select(Dept).ToArray(), cmd.I("shortDays"), cmd.I("longDays"), new CitedText(cmd.S("deadlinesCite") ?? "", ""));
                rc = ReductionCase.Open(cal, steps, caseId, cmd.S("household")!, cmd.I("costYear"), cmd.M("burden"), cmd.M("line"), cmd.Actor, cmd.At, cmd.S("reason")!);
                continue;
            }
            Apply(rc, cmd);
        }
        return rc!;
    }

    public static void Apply(ReductionCase rc, StoredCommand cmd)
    {
        var reason = cmd.S("reason") ?? "";
        switch (cmd.Command)
        {
            case "ask_parallel": rc.AskInParallel(cmd.List("departments").Select(Dept), cmd.Actor, cmd.At, reason); break;
            case "answer": rc.Answer(Dept(cmd.S("department")), Kind(cmd.S("kind")), cmd.S("item"), cmd.M("amount"), cmd.Actor, cmd.At, reason); break;
            case "no_answer": rc.RecordNoAnswer(Dept(cmd.S("department")), cmd.Actor, cmd.At, reason); break;
            case "bureau_review": rc.BureauReview(cmd.B("approve"), cmd.Actor, cmd.At, reason); break;
            case "taskforce_decision": rc.TaskforceDecision(cmd.B("approve"), cmd.Actor, cmd.At, reason); break;
            case "public_notice": rc.StartPublicNotice(DateOnly.Parse(cmd.S("start")!, System.Globalization.CultureInfo.InvariantCulture), cmd.I("days"), cmd.B("workingDays"), cmd.Actor, cmd.At, reason); break;
            case "objection": rc.RecordObjection(cmd.S("objector")!, cmd.S("content")!, cmd.At); break;
            case "objection_resolution": rc.ResolveObjection(cmd.I("objection"), cmd.B("upheld"), cmd.Actor, cmd.At, reason); break;
            case "close_public_notice": rc.ClosePublicNotice(cmd.Actor, cmd.At, reason); break;
            case "payment_instruction": rc.InstructPayment(cmd.Actor, cmd.At, reason); break;
            case "paid": break; // recorded by the charity federation; the payment itself is in relief_payments
            default: throw new InvalidOperationException($"unknown reduction command {cmd.Command}");
        }
    }

    public static Department Dept(string? code) => Codes.TryParse<Department>(code, out var d) ? d : throw new InvalidOperationException($"unknown department {code}");
    public static AnswerKind Kind(string? code) => Codes.TryParse<AnswerKind>(code, out var k) ? k : throw new InvalidOperationException($"unknown answer {code}");
}
