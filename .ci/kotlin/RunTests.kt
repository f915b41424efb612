// JUnit 4 runner for .ci/test-kotlin: runs the given test classes, prints each failure and the
// one summary line CI reads ("kotlin: N passed, N failed"), exits 1 on any failure.
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFinished(description: Description) = System.err.println("  ran ${description.methodName}")
        override fun testFailure(failure: Failure) {
            System.err.println("FAILED ${failure.description.methodName}: ${failure.message}")
            System.err.println(failure.trace.lineSequence().take(12).joinToString("\n"))
        }
    })
    val result = core.run(*args.map { Class.forName(it) }.toTypedArray())
    val failed = result.failureCount
    println("kotlin: ${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
