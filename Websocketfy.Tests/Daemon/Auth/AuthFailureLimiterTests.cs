using System.Net;
using Websocketfy.Daemon.Auth;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Auth;

public class AuthFailureLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    [Test]
    public void TenFailuresWithinAMinute_BlockForAMinute()
    {
        var clock = new ManualClock();
        var limiter = new AuthFailureLimiter(clock);
        for (int i = 0; i < 9; i++)
        {
            Assert.That(limiter.RecordFailure(Client), Is.False);
            clock.Advance(TimeSpan.FromSeconds(5));
        }
        Assert.That(limiter.IsBlocked(Client, out _), Is.False);
        Assert.That(limiter.RecordFailure(Client), Is.True, "the tenth failure within the minute");
        Assert.That(limiter.IsBlocked(Client, out TimeSpan retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.That(limiter.IsBlocked(Client, out retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(limiter.IsBlocked(Client, out _), Is.False);
        Assert.That(limiter.RecordFailure(Client), Is.False, "the count starts again after a block");
    }

    [Test]
    public void FailuresSpreadOverMoreThanAMinute_DoNotBlock()
    {
        var clock = new ManualClock();
        var limiter = new AuthFailureLimiter(clock);
        for (int i = 0; i < 30; i++)
        {
            Assert.That(limiter.RecordFailure(Client), Is.False, $"failure {i}");
            clock.Advance(TimeSpan.FromSeconds(6.7)); // ten take 60.3 s
        }
    }

    [Test]
    public void OtherAddresses_AreNotBlocked()
    {
        var limiter = new AuthFailureLimiter(new ManualClock());
        for (int i = 0; i < 10; i++) limiter.RecordFailure(Client);
        Assert.That(limiter.IsBlocked(Client, out _), Is.True);
        Assert.That(limiter.IsBlocked(IPAddress.Parse("192.0.2.8"), out _), Is.False);
        Assert.That(limiter.IsBlocked(IPAddress.Parse("::ffff:192.0.2.7"), out _), Is.True, "the IPv4-mapped form is the same client");
    }

    [Test]
    public void Ipv6_IsCountedByItsSlash64()
    {
        var limiter = new AuthFailureLimiter(new ManualClock());
        for (int i = 0; i < 10; i++) limiter.RecordFailure(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"));
        Assert.That(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:2:ffff::1"), out _), Is.True);
        Assert.That(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:3::1"), out _), Is.False);
    }
}
